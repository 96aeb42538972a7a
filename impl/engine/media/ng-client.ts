import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { type BencodeDict, BencodeError, bdecode, bencode } from "./bencode.ts";

/** Where rtpengine listens for ng commands and how patiently to ask it. */
export interface NgClientOptions {
  /** Address of rtpengine's `listen-ng` UDP socket; loopback in every deployment we ship. */
  readonly host: string;
  readonly port: number;
  /** How long to wait for one reply before retransmitting, in milliseconds. Default 1000. */
  readonly timeoutMs?: number;
  /** How many times a request is retransmitted (same cookie) before giving up. Default 2. */
  readonly retries?: number;
}

/** Why an ng request failed. */
export type NgFailure =
  /** No reply after every retransmission. */
  | "timeout"
  /** rtpengine answered `result: error`; {@link NgError.message} carries its `error-reason`. */
  | "error"
  /** rtpengine answered `result: load limit` (its session or load limits are reached). */
  | "load_limit"
  /** The reply was not `cookie SP bencoded-dictionary`. */
  | "malformed"
  /** The client was closed while the request waited. */
  | "closed";

export class NgError extends Error {
  override readonly name = "NgError";
  constructor(
    readonly failure: NgFailure,
    message: string,
    readonly command: string,
  ) {
    super(message);
  }
}

export interface NgClient {
  /**
   * Sends one ng command and resolves with rtpengine's reply dictionary (whose `result` is `ok` or
   * `pong`). Rejects with {@link NgError}.
   */
  request(command: string, params?: BencodeDict): Promise<BencodeDict>;
  close(): Promise<void>;
}

interface Pending {
  readonly command: string;
  resolve(reply: BencodeDict): void;
  reject(error: NgError): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A client for rtpengine's ng control protocol over UDP.
 *
 * "Each message passed between the SIP proxy and the media proxy contains of two parts: a unique
 * message cookie and a dictionary document, separated by a single space. The message cookie is used
 * to match requests to responses and to detect retransmissions" (docs/ng_control_protocol.md).
 * A retransmission therefore reuses the cookie, so rtpengine answers it from its cookie cache
 * instead of executing the command twice.
 */
export function createNgClient(options: NgClientOptions): NgClient {
  const timeoutMs = options.timeoutMs ?? 1000;
  const retries = options.retries ?? 2;
  const prefix = randomBytes(6).toString("hex");
  let sequence = 0;
  const pending = new Map<string, Pending>();
  let socket: Socket | undefined;
  let closed = false;

  const onMessage = (message: Buffer) => {
    const space = message.indexOf(0x20);
    if (space <= 0) return;
    const cookie = message.toString("latin1", 0, space);
    const entry = pending.get(cookie);
    // A late reply to a request that already timed out, or someone else's datagram.
    if (!entry) return;
    pending.delete(cookie);
    clearTimeout(entry.timer);
    let reply: unknown;
    try {
      reply = bdecode(message.subarray(space + 1));
    } catch (error) {
      const why = error instanceof BencodeError ? error.message : String(error);
      entry.reject(new NgError("malformed", `rtpengine sent an undecodable reply: ${why}`, entry.command));
      return;
    }
    if (typeof reply !== "object" || reply === null || Array.isArray(reply)) {
      entry.reject(new NgError("malformed", "rtpengine's reply is not a dictionary", entry.command));
      return;
    }
    const dict = reply as BencodeDict;
    const result = dict.result;
    if (result === "ok" || result === "pong") entry.resolve(dict);
    else if (result === "error") {
      const reason = typeof dict["error-reason"] === "string" ? dict["error-reason"] : "no reason given";
      entry.reject(new NgError("error", reason, entry.command));
    } else if (result === "load limit") {
      entry.reject(new NgError("load_limit", "rtpengine is at its load limit", entry.command));
    } else {
      entry.reject(new NgError("malformed", `rtpengine answered result=${String(result)}`, entry.command));
    }
  };

  const open = (): Socket => {
    if (socket) return socket;
    const s = createSocket(options.host.includes(":") ? "udp6" : "udp4");
    s.on("message", onMessage);
    // A send error (e.g. ICMP port unreachable surfaced on Linux) is treated like a lost datagram:
    // the retransmission timer decides.
    s.on("error", () => undefined);
    s.unref();
    socket = s;
    return s;
  };

  return {
    request(command, params = {}) {
      if (closed) return Promise.reject(new NgError("closed", "the ng client is closed", command));
      const s = open();
      sequence += 1;
      const cookie = `${prefix}_${sequence}`;
      const datagram = Buffer.concat([Buffer.from(`${cookie} `), bencode({ ...params, command })]);
      return new Promise<BencodeDict>((resolve, reject) => {
        let attempts = 0;
        const send = () => {
          attempts += 1;
          s.send(datagram, options.port, options.host);
          entry.timer = setTimeout(() => {
            if (attempts <= retries) return send();
            pending.delete(cookie);
            reject(
              new NgError(
                "timeout",
                `rtpengine at ${options.host}:${options.port} did not answer "${command}" after ${attempts} attempts of ${timeoutMs} ms`,
                command,
              ),
            );
          }, timeoutMs);
        };
        const entry: Pending = { command, resolve, reject, timer: undefined };
        pending.set(cookie, entry);
        send();
      });
    },
    async close() {
      closed = true;
      for (const [cookie, entry] of pending) {
        clearTimeout(entry.timer);
        entry.reject(
          new NgError("closed", "the ng client was closed before rtpengine answered", entry.command),
        );
        pending.delete(cookie);
      }
      const s = socket;
      socket = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
