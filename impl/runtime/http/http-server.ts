import { createServer, type RequestListener, type Server } from "node:http";

/** Limits of the gateway's HTTP server (HTTP_* configuration), in milliseconds where timed. */
export interface HttpServerLimits {
  /** Time to receive a request's headers; then 408 and the connection closed (Node's headersTimeout). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included; then 408 and closed (Node's requestTimeout). */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this long; announced in `Keep-Alive: timeout=`. */
  readonly keepAliveTimeoutMs: number;
  /** Connections accepted at once; more are closed on accept (Node's maxConnections). 0: no limit. */
  readonly maxConnections: number;
}

/**
 * The gateway's HTTP server with its limits, leaving `100 Continue` to the app. Node checks the header and request timeouts of open
 * connections every `connectionsCheckingInterval` (default 30 s, which would stretch a 10 s
 * headers timeout to 40 s); here it is at most 1 s.
 */
export function createHttpServer(listener: RequestListener, limits: HttpServerLimits): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    listener,
  );
  // RFC 9110 §10.1.1: a client sending "Expect: 100-continue" waits for the 100 before the body.
  // Node sends it on arrival unless someone listens here; the app sends it once it means to read
  // the body (after authentication, json-body.ts), so a refused request's body is never sent.
  server.on("checkContinue", (req, res) => server.emit("request", req, res));
  // Set again as a property: the constructor option is recent, the property is not.
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  return server;
}
