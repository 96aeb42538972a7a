import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { Logger } from "pino";
import type { RelayStore } from "./relay-store.ts";

/** Path of a channel's sink on the relay's HTTPS server. */
export const SINK_PATH = "/relay/v0/sinks/";
const MAX_BODY_BYTES = 256 * 1024;

export interface RelaySinkServerOptions {
  readonly store: RelayStore;
  readonly tls: { readonly cert: string; readonly key: string };
  readonly logger: Logger;
  readonly now: () => number;
  /** A notification was stored for a channel: push it to the channel's sockets. */
  readonly onNotification: (channelId: string, cursor: number, body: string) => void;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The channel id a sink path names; undefined when it is not a valid percent-encoding (RFC 3986 §2.1). */
function channelIdOf(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** CAMARA-style error body for the sink's refusals. */
function refuse(res: ServerResponse, status: number, code: string, message: string, correlator?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (correlator) headers["x-correlator"] = correlator;
  res.writeHead(status, headers).end(JSON.stringify({ status, code, message }));
}

/**
 * The relay's notification sinks: `POST /relay/v0/sinks/{channelId}` over HTTPS, as the spec's
 * `postNotification` callback (204 on success; 401 without the channel's bearer token; 410 once the
 * channel expired, which ends the subscription at the gateway).
 */
export function createRelaySinkServer(options: RelaySinkServerOptions): Server {
  const { store } = options;
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const correlator =
      typeof req.headers["x-correlator"] === "string" ? req.headers["x-correlator"] : undefined;
    const path = new URL(req.url ?? "/", "https://relay.invalid").pathname;
    if (!path.startsWith(SINK_PATH)) return refuse(res, 404, "NOT_FOUND", "No such sink.", correlator);
    if (req.method !== "POST")
      return refuse(res, 405, "METHOD_NOT_ALLOWED", "Sinks accept POST only.", correlator);
    const id = channelIdOf(path.slice(SINK_PATH.length));
    const channel = id === undefined ? undefined : await store.getChannel(id);
    if (!channel) return refuse(res, 404, "NOT_FOUND", "No such sink.", correlator);
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !same(auth.slice(7), channel.sinkToken))
      return refuse(res, 401, "UNAUTHENTICATED", "The sink's bearer token is missing or wrong.", correlator);
    if (channel.expiresAt <= options.now())
      return refuse(res, 410, "GONE", "The relay channel expired.", correlator);
    if (!/^application\/cloudevents\+json\s*(;|$)/i.test(req.headers["content-type"] ?? ""))
      return refuse(res, 415, "UNSUPPORTED_MEDIA_TYPE", "Send application/cloudevents+json.", correlator);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES)
        return refuse(res, 413, "INVALID_ARGUMENT", "The notification is too large.", correlator);
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks).toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return refuse(res, 400, "INVALID_ARGUMENT", "The notification is not a JSON object.", correlator);
    const cursor = await store.append(channel.id, body);
    options.onNotification(channel.id, cursor, body);
    res.writeHead(204, correlator ? { "x-correlator": correlator } : {}).end();
  }
  const server = createServer({ cert: options.tls.cert, key: options.tls.key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.logger.error({ err }, "relay sink failed");
      if (!res.headersSent) refuse(res, 500, "INTERNAL", "The relay failed to store the notification.");
    });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}
