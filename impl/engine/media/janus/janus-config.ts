import type { Logger } from "pino";
import type { MediaPolicy } from "../media-policy.ts";
import { createJanusAdmin } from "./janus-admin.ts";
import { createJanusAnchor, type JanusAnchor } from "./janus-anchor.ts";
import { lazyJanusConnection, openJanusConnection } from "./janus-connection.ts";

/** The JANUS_* settings of MEDIA_ANCHOR=janus. */
export interface JanusConfig {
  /** JANUS_WS: ws://host:port of the Janus API WebSocket (subprotocol janus-protocol). */
  readonly url: string;
  /** JANUS_ADMIN_WS: ws://host:port of the Admin API WebSocket, for reclaim and statistics; optional. */
  readonly adminUrl: string | undefined;
  /** JANUS_ADMIN_SECRET: the Admin API's admin_secret; optional. */
  readonly adminSecret: string | undefined;
  /** JANUS_TIMEOUT_MS: wait for one Janus reply (an offer waits for Janus's ICE gathering); default 10000. */
  readonly timeoutMs: number;
}

const WS_URL = /^wss?:\/\/[^\s/]+(\/\S*)?$/;

/** Reads the JANUS_* variables; problems are appended, naming the variable and the fix. */
export function readJanusConfig(env: NodeJS.ProcessEnv, problems: string[]): JanusConfig | undefined {
  const url = env.JANUS_WS;
  if (!url || !WS_URL.test(url)) {
    problems.push(
      `MEDIA_ANCHOR=janus needs JANUS_WS=ws://host:port of the Janus API WebSocket, e.g. ws://127.0.0.1:8188 (got ${url ?? "nothing"}).`,
    );
    return undefined;
  }
  const adminUrl = env.JANUS_ADMIN_WS || undefined;
  if (adminUrl && !WS_URL.test(adminUrl))
    problems.push(`JANUS_ADMIN_WS=${adminUrl} must be ws://host:port of the Janus Admin API WebSocket.`);
  const rawTimeout = env.JANUS_TIMEOUT_MS;
  const timeoutMs = rawTimeout === undefined || rawTimeout === "" ? 10_000 : Number(rawTimeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)
    problems.push(`JANUS_TIMEOUT_MS=${rawTimeout} must be an integer from 100 to 60000.`);
  return { url, adminUrl, adminSecret: env.JANUS_ADMIN_SECRET || undefined, timeoutMs };
}

/** The Janus anchor for a configuration, logging Janus's events about calls. */
export function createJanusAnchorFromConfig(
  config: JanusConfig,
  media: { readonly policy: MediaPolicy; readonly callIdPrefix: string },
  logger: Logger,
): JanusAnchor {
  const api = lazyJanusConnection(() =>
    openJanusConnection({ url: config.url, timeoutMs: config.timeoutMs }),
  );
  const adminUrl = config.adminUrl;
  const admin = adminUrl
    ? createJanusAdmin(
        lazyJanusConnection(() =>
          openJanusConnection({
            url: adminUrl,
            admin: true,
            timeoutMs: config.timeoutMs,
            ...(config.adminSecret ? { adminSecret: config.adminSecret } : {}),
          }),
        ),
      )
    : undefined;
  return createJanusAnchor({
    api,
    ...(admin ? { admin } : {}),
    policy: media.policy,
    opaqueIdPrefix: media.callIdPrefix,
    onDeleteError: (error, id) => logger.warn({ err: error, mediaSessionId: id }, "Janus delete failed"),
    onEvent: (event, mediaSessionId) => {
      if (event.janus === "hangup" || event.janus === "timeout")
        logger.warn(
          { mediaSessionId, event: event.janus, reason: event.reason },
          "Janus ended a call's media",
        );
      else logger.debug({ mediaSessionId, event: event.janus }, "Janus event");
    },
  });
}
