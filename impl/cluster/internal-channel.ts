import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { EngineError, type EngineFailure } from "../engine/engine-error.ts";

/** The engine requests one node hands another: the owner carries them out on its SIP state. */
export const FORWARDED_OPERATIONS = ["refresh", "unregister", "update", "terminate"] as const;
export type ForwardedOperation = (typeof FORWARDED_OPERATIONS)[number];

/** A signed request older or newer than this (ms) is refused, so a captured one cannot be replayed later. */
const MAX_SKEW_MS = 30_000;
const MAX_BODY_BYTES = 256 * 1024;

/**
 * The signature of an internal request: HMAC-SHA256 over `time`, the operation and the body, keyed
 * with CLUSTER_SECRET, hex. The channel is for the nodes' own network; run it over TLS (an https
 * CLUSTER_INTERNAL_URL behind a TLS terminator) where that network is not trusted.
 */
export function signInternalRequest(secret: string, time: string, operation: string, body: string): string {
  return createHmac("sha256", secret).update(`${time}\n${operation}\n${body}`).digest("hex");
}

/** What a ping of a node's internal channel tells: it answered, nothing listens there, or unsure. */
export type PingOutcome = "answers" | "refused" | "unsure";

export interface InternalClient {
  /**
   * Has the node at `internalUrl` carry out the operation; rejects with its {@link EngineError}
   * (`network_unreachable` when it could not be reached; {@link connectionRefused} tells whether
   * nothing listened there).
   */
  forward(internalUrl: string, operation: ForwardedOperation, request: unknown): Promise<void>;
  /**
   * Asks the node at `internalUrl` whether it is there (a signed request it answers at once).
   * `refused` only when the connection was refused (ECONNREFUSED: the process is gone); a timeout
   * or any other failure is `unsure` (a slow node may be alive).
   */
  ping(internalUrl: string): Promise<PingOutcome>;
}

/** The longest wait for a ping's answer, ms. */
const PING_TIMEOUT_MS = 1000;

/**
 * Whether an error (or one of its causes) is a refused TCP connection: nothing listens at the
 * address, which for a node's own internal port means its process is gone. A timeout is not.
 */
export function connectionRefused(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    if ((e as NodeJS.ErrnoException).code === "ECONNREFUSED") return true;
    // Node's connect to several addresses (happy eyeballs) fails with an AggregateError.
    if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every((x) => connectionRefused(x)))
      return true;
    e = e.cause;
  }
  return false;
}

const signedHeaders = (options: { nodeId: string; secret: string }, operation: string, body: string) => {
  const time = String(Date.now());
  return {
    "content-type": "application/json",
    "x-cluster-node": options.nodeId,
    "x-cluster-time": time,
    "x-cluster-signature": signInternalRequest(options.secret, time, operation, body),
  };
};

export function createInternalClient(options: {
  nodeId: string;
  secret: string;
  timeoutMs: number;
}): InternalClient & { close(): Promise<void> } {
  // undici's request on kept-alive connections: fetch's WHATWG streams cost more CPU per hop.
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 16 });
  return {
    async forward(internalUrl, operation, request) {
      const body = JSON.stringify(request);
      let response: Dispatcher.ResponseData;
      try {
        response = await undiciRequest(`${internalUrl}/cluster/v1/engine/${operation}`, {
          method: "POST",
          headers: signedHeaders(options, operation, body),
          body,
          dispatcher,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
      } catch (error) {
        throw new EngineError("network_unreachable", `the node at ${internalUrl} could not be reached`, {
          cause: error,
        });
      }
      if (response.statusCode >= 200 && response.statusCode < 300) {
        await response.body.dump();
        return;
      }
      const answer = (await response.body.json().catch(() => ({}))) as {
        failure?: EngineFailure;
        message?: string;
        clientMessage?: string;
      };
      throw new EngineError(
        answer.failure ?? "network_unreachable",
        answer.message ?? `node answered ${response.statusCode}`,
        {
          ...(answer.clientMessage ? { clientMessage: answer.clientMessage } : {}),
        },
      );
    },
    async ping(internalUrl) {
      const timeoutMs = Math.min(PING_TIMEOUT_MS, options.timeoutMs);
      try {
        const response = await undiciRequest(`${internalUrl}/cluster/v1/ping`, {
          method: "POST",
          headers: signedHeaders(options, "ping", "{}"),
          body: "{}",
          dispatcher,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        await response.body.dump();
        return response.statusCode === 204 ? "answers" : "unsure";
      } catch (error) {
        return connectionRefused(error) ? "refused" : "unsure";
      }
    },
    close: () => dispatcher.close(),
  };
}

export type InternalHandler = (operation: ForwardedOperation, request: unknown) => Promise<void>;

/**
 * The internal channel's listener (node:http; it serves the nodes, not API clients): POST
 * /cluster/v1/engine/{operation} with a JSON body, signed (x-cluster-time, x-cluster-signature).
 * 204 when done; an engine failure is 409 with `{failure, message, clientMessage}`; a bad signature
 * 401; anything else 400/404. POST /cluster/v1/ping, signed, is answered 204 at once (is the node there).
 */
export function createInternalServer(options: { secret: string; handle: InternalHandler }): Server {
  return createServer((req, res) => {
    const reply = (status: number, body?: object) => {
      res.writeHead(status, body ? { "content-type": "application/json" } : {});
      res.end(body ? JSON.stringify(body) : undefined);
    };
    if (req.method === "POST" && req.url === "/cluster/v1/ping") {
      void readBody(req).then(
        (body) =>
          verify(options.secret, req, "ping", body)
            ? reply(204)
            : reply(401, { message: "bad or stale signature" }),
        () => reply(413, { message: "body too large" }),
      );
      return;
    }
    const match = /^\/cluster\/v1\/engine\/([a-z]+)$/.exec(req.url ?? "");
    const operation = match?.[1] as ForwardedOperation | undefined;
    if (req.method !== "POST" || !operation || !FORWARDED_OPERATIONS.includes(operation)) {
      req.resume();
      return reply(404, { message: "no such internal operation" });
    }
    void readBody(req).then(
      async (body) => {
        if (!verify(options.secret, req, operation, body))
          return reply(401, { message: "bad or stale signature" });
        let request: unknown;
        try {
          request = JSON.parse(body);
        } catch {
          return reply(400, { message: "body is not JSON" });
        }
        try {
          await options.handle(operation, request);
          reply(204);
        } catch (error) {
          if (error instanceof EngineError)
            return reply(409, {
              failure: error.failure,
              message: error.message,
              clientMessage: error.clientMessage,
            });
          reply(500, { message: error instanceof Error ? error.message : String(error) });
        }
      },
      () => reply(413, { message: "body too large" }),
    );
  });
}

function verify(secret: string, req: IncomingMessage, operation: string, body: string): boolean {
  const time = String(req.headers["x-cluster-time"] ?? "");
  const signature = String(req.headers["x-cluster-signature"] ?? "");
  if (!/^\d{1,16}$/.test(time) || Math.abs(Date.now() - Number(time)) > MAX_SKEW_MS) return false;
  const want = Buffer.from(signInternalRequest(secret, time, operation, body), "hex");
  const got = Buffer.from(signature, "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error("too large"));
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
