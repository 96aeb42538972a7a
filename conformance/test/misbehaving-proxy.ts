import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Ways a gateway can break the contract, to prove the suite notices (each is a single, named lie
 * told by a proxy in front of a correct gateway, which itself is left untouched):
 * - `drop-x-correlator`: responses lose the x-correlator header the request carried;
 * - `created-as-ok`: 201 Created is answered as 200 OK;
 * - `drop-required-property`: success bodies lose `registrationId` and `id`, required by
 *   regSessionResponse and Subscription.
 */
export const MISBEHAVIOURS = [
  "none",
  "drop-x-correlator",
  "created-as-ok",
  "drop-required-property",
] as const;
export type Misbehaviour = (typeof MISBEHAVIOURS)[number];

export interface MisbehavingProxy {
  readonly apiRoot: string;
  stop(): Promise<void>;
}

function dropRequired(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(dropRequired);
  if (typeof body !== "object" || body === null) return body;
  const { registrationId: _r, id: _i, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** Starts a loopback proxy to `target` (e.g. `http://127.0.0.1:9091`) that misbehaves as told. */
export async function startMisbehavingProxy(
  target: string,
  misbehaviour: Misbehaviour,
): Promise<MisbehavingProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          let status = answer.statusCode ?? 502;
          const headers = { ...answer.headers };
          let body = Buffer.concat(chunks);
          if (misbehaviour === "drop-x-correlator") delete headers["x-correlator"];
          if (misbehaviour === "created-as-ok" && status === 201) status = 200;
          if (misbehaviour === "drop-required-property" && status < 300 && body.length > 0) {
            try {
              body = Buffer.from(JSON.stringify(dropRequired(JSON.parse(body.toString("utf8")))));
            } catch {
              // not JSON: passed through
            }
          }
          headers["content-length"] = String(body.length);
          delete headers["transfer-encoding"];
          res.writeHead(status, headers).end(body);
        });
      },
    );
    forward.on("error", (error) => res.writeHead(502).end(String(error)));
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
