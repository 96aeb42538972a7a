import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenVerifier } from "camara-webrtc-runtime";
import type { Logger } from "pino";
import { hostPort } from "../events/sink-policy.ts";
import type { PostgresStore, SqliteDatabase } from "../store/index.ts";
import { listenPostgres } from "../store/postgres-listener.ts";
import { fromPgText } from "../store/postgres-store.ts";
import { openPostgresRelayStore } from "./postgres-relay-store.ts";
import type { RelayConfig } from "./relay-config.ts";
import { createRelaySinkServer, SINK_PATH } from "./relay-sink-server.ts";
import { createRelaySocket } from "./relay-socket.ts";
import { openRelayStore } from "./relay-store.ts";

export interface NotificationRelayOptions {
  readonly config: RelayConfig;
  /**
   * The gateway's SQLite connection (shared), or a file the relay opens its own connection on; or
   * the PostgreSQL store and its URL (a cluster: channels are shared, each node's sockets hear of
   * notifications stored by any node through LISTEN camara_relay).
   */
  readonly store: SqliteDatabase | string | { readonly postgres: PostgresStore; readonly url: string };
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  readonly now?: () => number;
}

/**
 * The Notification Relay: webrtc-events sinks for devices that cannot receive webhooks (a browser).
 * The device opens a WebSocket on the gateway (SOCKET_PATH), authenticates with its access token and
 * receives an https sink URL served here (dev CA certificate outside production) plus the sink
 * credential to put in its subscriptions; what the gateway posts there reaches the socket in order.
 *
 * @see webrtc-events.yaml introduction: "a classic browser using websockets to receive server-side events".
 */
export async function startNotificationRelay(options: NotificationRelayOptions) {
  const { config, logger } = options;
  const now = options.now ?? Date.now;
  if (!config.tlsCertFile || !config.tlsKeyFile)
    throw new Error("the notification relay needs RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE");
  const tls = {
    cert: readFileSync(config.tlsCertFile, "utf8"),
    key: readFileSync(config.tlsKeyFile, "utf8"),
  };
  const target = options.store;
  const store =
    typeof target === "object" && "postgres" in target
      ? openPostgresRelayStore(target.postgres, config.replayLimit)
      : openRelayStore(target, config.replayLimit);
  let origin = "";
  const socket = createRelaySocket({
    store,
    verifier: options.verifier,
    logger,
    now,
    channelTtlMs: config.channelTtlSec * 1000,
    sinkUrl: (channelId) => `${origin}${SINK_PATH}${encodeURIComponent(channelId)}`,
  });
  const sinks = createRelaySinkServer({
    store,
    tls,
    logger,
    now,
    onNotification: (channelId, cursor, body) => socket.push(channelId, cursor, body),
  });
  const listener =
    typeof target === "object" && "postgres" in target
      ? listenPostgres({
          url: target.url,
          channel: "camara_relay",
          onNotify(payload) {
            const colon = payload.indexOf(":");
            socket.announced(fromPgText(payload.slice(colon + 1)), Number(payload.slice(0, colon)));
          },
          onReconnect: () => socket.catchUp(),
          onError: (err) => logger.warn({ err }, "the relay LISTEN connection failed; reconnecting"),
        })
      : undefined;
  await listener?.ready;
  await new Promise<void>((resolve, reject) => {
    sinks.once("error", reject);
    sinks.listen(config.port, config.host, () => resolve());
  });
  const { port } = sinks.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  origin = (config.publicUrl ?? `https://${host}:${port}`).replace(/\/$/, "");
  logger.info({ origin }, "notification relay sinks listening");
  return {
    /** Origin of the sink URLs handed out, e.g. https://127.0.0.1:9443. */
    origin,
    /** `host:port` of the sinks, for the gateway's own allow-list. */
    hostPort: hostPort(new URL(origin)),
    /** Serves the relay's WebSocket on the gateway's HTTP server. */
    attach: (server: Server) => socket.attach(server),
    async close(): Promise<void> {
      socket.close();
      await listener?.close();
      await new Promise<void>((resolve) => {
        sinks.close(() => resolve());
        sinks.closeAllConnections();
      });
      store.close();
    },
  };
}

export type NotificationRelay = Awaited<ReturnType<typeof startNotificationRelay>>;
