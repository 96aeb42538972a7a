import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import type { ApiExchange, Fault, NotificationExchange } from "./faults.ts";
import { createProxyState, learn, type ProxyState } from "./proxy-state.ts";

/**
 * A proxy in front of a correct gateway that tells one lie at a time (the active {@link Fault}):
 * on API answers (suite → gateway) and, as the sink the gateway calls, on notifications (gateway →
 * the suite's sink). Without a fault it passes everything through unchanged.
 */
export interface MutatingProxy {
  /** API root to hand the suite. */
  readonly apiRoot: string;
  readonly state: ProxyState;
  /** The fault told from now on; undefined for none. */
  setFault(fault: Fault | undefined): void;
  stop(): Promise<void>;
}

export interface MutatingProxyOptions {
  /** The gateway's API root, e.g. `http://127.0.0.1:9091`. */
  readonly gateway: string;
  /** Where the proxy listens as the gateway's notification sink (HTTPS, a certificate the gateway trusts). */
  readonly sinkFront?: { readonly port: number; readonly cert: string; readonly key: string };
  /** The suite's real sink, `https://127.0.0.1:<port>` (its certificate is not checked). */
  readonly sinkTarget?: () => string | undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function forward(
  target: URL,
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  tls = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = tls ? httpsRequest : request;
    const out = send(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { ...headers, host: target.host, "content-length": String(body.length) },
        ...(tls ? { rejectUnauthorized: false } : {}),
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () =>
          resolve({
            status: answer.statusCode ?? 502,
            headers: { ...answer.headers },
            body: Buffer.concat(chunks),
          }),
        );
        answer.on("error", reject);
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}

function parse(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve) =>
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startMutatingProxy(options: MutatingProxyOptions): Promise<MutatingProxy> {
  const gateway = new URL(options.gateway);
  const state = createProxyState();
  let fault: Fault | undefined;
  /** Notifications seen per sink path under the current fault. */
  const seen = new Map<string, number>();

  async function onApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const body = await readBody(req);
    const headers = { ...req.headers };
    const answer = await forward(gateway, method, path, headers, body);
    const json = parse(answer.body);
    learn(state, method, path.split("?")[0] ?? path, req.headers.authorization, answer.status, json);
    const x: ApiExchange = {
      method,
      path: path.split("?")[0] ?? path,
      requestHeaders: headers,
      status: answer.status,
      headers: answer.headers,
      json,
      text: json === undefined ? answer.body.toString("utf8") : "",
    };
    const original = answer.body;
    const before = JSON.stringify(json);
    await fault?.api?.(x, {
      state,
      async resend(authorization) {
        const again = await forward(gateway, method, path, { ...headers, authorization }, body);
        x.status = again.status;
        x.headers = again.headers;
        x.json = parse(again.body);
        x.text = x.json === undefined ? again.body.toString("utf8") : "";
      },
    });
    const changed = JSON.stringify(x.json) !== before;
    const out = changed ? Buffer.from(x.json === undefined ? x.text : JSON.stringify(x.json)) : original;
    const outHeaders: Record<string, string | string[] | undefined> = {
      ...x.headers,
      "content-length": String(out.length),
    };
    delete outHeaders["transfer-encoding"];
    res.writeHead(x.status, outHeaders).end(out);
  }

  async function onNotification(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? "/";
    const body = await readBody(req);
    const n: NotificationExchange = { path, headers: { ...req.headers }, json: parse(body) };
    const count = seen.get(path) ?? 0;
    seen.set(path, count + 1);
    const before = JSON.stringify(n.json);
    if (fault?.notification?.(n, count) === "drop") {
      res.writeHead(204).end();
      return;
    }
    const target = options.sinkTarget?.();
    if (!target) {
      res.writeHead(503).end();
      return;
    }
    const changed = JSON.stringify(n.json) !== before;
    const out = changed ? Buffer.from(JSON.stringify(n.json)) : body;
    const answer = await forward(new URL(target), req.method ?? "POST", path, n.headers, out, true);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }

  const fail = (res: ServerResponse) => (error: unknown) => {
    if (!res.headersSent) res.writeHead(502).end(String(error));
  };
  const api = createServer((req, res) => void onApi(req, res).catch(fail(res)));
  const port = await listen(api, 0);
  const sink = options.sinkFront
    ? createHttpsServer(
        { cert: options.sinkFront.cert, key: options.sinkFront.key },
        (req, res) => void onNotification(req, res).catch(fail(res)),
      )
    : undefined;
  if (sink && options.sinkFront) await listen(sink, options.sinkFront.port);
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    state,
    setFault(next) {
      fault = next;
      seen.clear();
    },
    async stop() {
      await close(api);
      if (sink) await close(sink);
    },
  };
}
