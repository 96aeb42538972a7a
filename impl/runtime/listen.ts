import type { RequestListener, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpServer } from "./http/http-server.ts";

/** Options of {@link listen}; the limits are in milliseconds. */
export interface ListenOptions {
  /** Default 9091; 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 10000 (headers), 30000 (whole request), 5000 (idle keep-alive). */
  readonly headersTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly keepAliveTimeoutMs?: number;
}

/** Serves `app` with the runtime's HTTP limits; resolves once listening, with the URL it listens on. */
export async function listen(
  app: RequestListener,
  options: ListenOptions = {},
): Promise<{ server: Server; url: string }> {
  const server = createHttpServer(app, {
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 5_000,
    maxConnections: 0,
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 9091, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${port}` };
}
