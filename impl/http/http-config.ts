import type { EnvReader } from "../env/env-reader.ts";
import { readTrustProxy, type TrustProxy } from "./trust-proxy-config.ts";

/** The HTTP server and request limits (impl/http), from the HTTP_* variables and TRUST_PROXY. */
export interface HttpConfig {
  /** HTTP_BODY_LIMIT_BYTES: largest request body read. */
  readonly bodyLimitBytes: number;
  /** HTTP_BODY_MAX_DEPTH: deepest nesting of objects and arrays in a body (the top level is 1). */
  readonly bodyMaxDepth: number;
  /** HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS: time to receive the headers, the whole request. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** HTTP_KEEP_ALIVE_TIMEOUT_MS: an idle kept-alive connection is closed after this long. */
  readonly keepAliveTimeoutMs: number;
  /** HTTP_MAX_CONNECTIONS: connections beyond this are closed on accept; 0 sets no limit. */
  readonly maxConnections: number;
  /** TRUST_PROXY: express "trust proxy": off, a number of proxy hops, or proxy addresses/subnets. */
  readonly trustProxy: TrustProxy;
}

/** The HTTP_* variables and TRUST_PROXY; the headers must not take longer than the whole request. */
export function readHttpConfig(r: EnvReader): HttpConfig {
  const http: HttpConfig = {
    bodyLimitBytes: r.int("HTTP_BODY_LIMIT_BYTES", 262_144, 1024, 16_777_216),
    bodyMaxDepth: r.int("HTTP_BODY_MAX_DEPTH", 32, 3, 1000),
    headersTimeoutMs: r.int("HTTP_HEADERS_TIMEOUT_MS", 10_000, 100, 300_000),
    requestTimeoutMs: r.int("HTTP_REQUEST_TIMEOUT_MS", 30_000, 100, 3_600_000),
    keepAliveTimeoutMs: r.int("HTTP_KEEP_ALIVE_TIMEOUT_MS", 5000, 0, 600_000),
    maxConnections: r.int("HTTP_MAX_CONNECTIONS", 10_000, 0, 1_000_000),
    trustProxy: readTrustProxy(r),
  };
  if (http.headersTimeoutMs > http.requestTimeoutMs)
    r.problem("HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS.");
  return http;
}
