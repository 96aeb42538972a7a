import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { type CloudEventValidator, createCloudEventValidator } from "./cloud-event-validator.ts";

/**
 * A loopback notification sink for tests and the conformance suite: it receives the CloudEvents a
 * gateway POSTs to a subscription's `sink`, records them with their headers, checks each against
 * the spec (schema, `application/cloudevents+json`, `x-correlator`) and answers as scripted, so
 * that retries, back-off, `Retry-After`, 410 and slow sinks can be exercised against any gateway.
 */
export interface SinkReceiverOptions {
  /** Port on `host`; 0 (default) picks a free one. */
  readonly port?: number;
  /** Default 127.0.0.1. Sinks are for loopback only. */
  readonly host?: string;
  /** PEM certificate and key to serve HTTPS (the spec's sinks are https); omit for plain HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string };
  readonly validator?: CloudEventValidator;
}

/** One request the sink received. */
export interface ReceivedNotification {
  /** `performance.timeOrigin + performance.now()` at receipt, epoch milliseconds (sub-ms precision). */
  readonly receivedAt: number;
  readonly path: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The `Authorization` header, if any. */
  readonly authorization: string | undefined;
  readonly correlator: string | undefined;
  /** Parsed JSON body (undefined when it was not JSON). */
  readonly event: CloudEventLike | undefined;
  /** What does not conform: schema errors, media type, missing x-correlator. Empty when all is well. */
  readonly problems: readonly string[];
  /** Status the sink answered with. */
  readonly status: number;
}

export interface CloudEventLike {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly time: string;
  readonly data?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** How the sink answers one request. */
export interface SinkResponse {
  /** HTTP status; default 204. */
  readonly status?: number;
  /** Wait this long before answering, ms. */
  readonly delayMs?: number;
  /** `Retry-After` header value (seconds or an HTTP date). */
  readonly retryAfter?: string;
}

export interface SinkReceiver {
  readonly port: number;
  /** Base URL, e.g. `https://127.0.0.1:40123`; append a path to make a sink URL. */
  readonly origin: string;
  url(path?: string): string;
  /** Every request received, in order of arrival (including those answered with an error). */
  requests(): readonly ReceivedNotification[];
  /** The events accepted (answered 2xx), in order. */
  events(): readonly CloudEventLike[];
  /** Resolves with the first accepted-or-not request matching, rejects after `timeoutMs`. */
  waitFor(predicate: (r: ReceivedNotification) => boolean, timeoutMs: number): Promise<ReceivedNotification>;
  /**
   * Scripts the next answers: each request takes the next entry; once the script is used up,
   * `then` (default 204 at once) answers every request.
   */
  setBehaviour(script: readonly SinkResponse[], then?: SinkResponse): void;
  /** Stops listening and drops open connections, keeping what was recorded (a sink outage). */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link stop}. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startSinkReceiver(options: SinkReceiverOptions = {}): Promise<SinkReceiver> {
  const host = options.host ?? "127.0.0.1";
  const validator = options.validator ?? createCloudEventValidator();
  const received: ReceivedNotification[] = [];
  const waiters: {
    predicate: (r: ReceivedNotification) => boolean;
    resolve: (r: ReceivedNotification) => void;
  }[] = [];
  let script: SinkResponse[] = [];
  let fallback: SinkResponse = {};
  const sockets = new Set<Socket>();

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const receivedAt = performance.timeOrigin + performance.now();
    const text = Buffer.concat(chunks).toString("utf8");
    const problems: string[] = [];
    let event: CloudEventLike | undefined;
    try {
      event = JSON.parse(text) as CloudEventLike;
      problems.push(...validator.validate(event));
    } catch {
      problems.push("the body is not JSON");
    }
    const contentType = req.headers["content-type"] ?? "";
    if (!/^application\/cloudevents\+json\s*(;|$)/i.test(contentType))
      problems.push(`content-type is "${contentType}", not application/cloudevents+json`);
    const correlator = req.headers["x-correlator"];
    if (typeof correlator !== "string" || correlator === "") problems.push("x-correlator header is missing");
    if (req.method !== "POST") problems.push(`method is ${req.method}, not POST`);
    const answer = script.shift() ?? fallback;
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    const status = answer.status ?? 204;
    const record: ReceivedNotification = {
      receivedAt,
      path: req.url ?? "/",
      method: req.method ?? "",
      headers: req.headers,
      authorization: req.headers.authorization,
      correlator: typeof correlator === "string" ? correlator : undefined,
      event,
      problems,
      status,
    };
    received.push(record);
    for (const w of [...waiters]) {
      if (w.predicate(record)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(record);
      }
    }
    const headers: Record<string, string> = {};
    if (typeof correlator === "string") headers["x-correlator"] = correlator;
    if (answer.retryAfter !== undefined) headers["retry-after"] = answer.retryAfter;
    res.writeHead(status, headers).end();
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createHttpServer(listener);
  server.keepAliveTimeout = 30_000;
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  // TLS sockets are tracked through their underlying TCP connection above.
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let listening = true;

  const stop = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    port,
    origin,
    url: (path = "/sink") => `${origin}${path}`,
    requests: () => received,
    events: () =>
      received
        .filter((r) => r.status >= 200 && r.status < 300 && r.event)
        .map((r) => r.event as CloudEventLike),
    waitFor(predicate, timeoutMs) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: (r: ReceivedNotification) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(`sink: nothing matching arrived within ${timeoutMs} ms (${received.length} received)`),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    setBehaviour(next, then = {}) {
      script = [...next];
      fallback = then;
    },
    stop,
    async restart() {
      if (listening) return;
      await listen(port);
      listening = true;
    },
    close: stop,
  };
}
