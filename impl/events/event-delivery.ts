import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import {
  type DeadlineBook,
  openPostgresDeadlines,
  openSubscriptionDeadlines,
  type PostgresStore,
  type SqliteStore,
  type Store,
  shareOrOpen,
} from "../store/index.ts";
import { createEventDispatcher } from "./event-dispatcher.ts";
import type { EventOutbox } from "./event-outbox.ts";
import type { EventsConfig } from "./events-config.ts";
import { createHttpSender } from "./http-sender.ts";
import { openOutbox } from "./outbox.ts";
import { openPostgresOutbox } from "./postgres-outbox.ts";
import { createSharedLanes, type LaneSharing, type LocalLanes } from "./shared-lanes.ts";
import { createSinkPolicy } from "./sink-policy.ts";

export interface EventDeliveryOptions {
  readonly config: EventsConfig;
  readonly environment: "development" | "test" | "production";
  /** The gateway's SQLite file: the outbox opens its own connection on it unless `store` shares its own. */
  readonly storeFile: string;
  /**
   * With a SQLite store on `storeFile`, the outbox uses its connection (one group commit for both).
   * With the PostgreSQL store (`databaseUrl` given), the outbox and the deadlines are in it, shared
   * by the nodes, and each sink's lane is served by one node at a time (shared-lanes.ts).
   */
  readonly store: Store | SqliteStore | PostgresStore;
  /** DATABASE_URL of the PostgreSQL store: the lane leases and LISTEN open their own connections. */
  readonly databaseUrl?: string;
  /**
   * Runs a periodic job (the outbox retention) once across the cluster (runOnceInCluster); default
   * at once.
   */
  readonly runOnce?: (job: string, run: () => Promise<unknown>) => Promise<unknown>;
  readonly logger: Logger;
  /** `host:port` sinks the gateway itself serves (the notification relay), allowed like the allow-list. */
  readonly ownSinks?: readonly string[];
}

/**
 * Composition of webrtc-events delivery for the gateway: sink policy, outbox, HTTPS sender and
 * dispatcher, and the subscriptions' deadlines on the outbox's connection. EVENT_SINK_CA_FILE (outside production the development CA by default) is trusted for
 * allow-listed loopback sinks only; the gateway reads it, the tools make it.
 */
export function createEventDelivery(options: EventDeliveryOptions) {
  const { config } = options;
  const devCaPem = readSinkCa(config, options.logger);
  const policy = createSinkPolicy({
    environment: options.environment,
    allowlist: [...config.sinkAllowlist, ...(options.ownSinks ?? [])],
  });
  const logger = options.logger.child({ component: "events" });
  const { outbox, deadlines, share, release } = openOutboxAndDeadlines(options, logger);
  const sender = createHttpSender({ timeoutMs: config.deliveryTimeoutMs, devCaPem });
  const dispatcher = createEventDispatcher({
    outbox,
    ...(share ? { share } : {}),
    policy,
    send: sender.send,
    source: config.source,
    retry: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs, retryAfterMaxMs: config.retryAfterMaxMs },
    maxAgeMs: config.maxAgeMs,
    logger,
  });
  /** Outbox retention: rows that can no longer be delivered do not stay forever. */
  const prune = async () => {
    const result = await outbox.prune({ maxAgeMs: config.maxAgeMs, retentionMs: config.outboxRetentionMs });
    if (result.expired > 0 || result.removed > 0) logger.info(result, "outbox retention applied");
    return result;
  };
  const runOnce = options.runOnce ?? ((_job: string, run: () => Promise<unknown>) => run());
  const pruneTimer = setInterval(() => {
    runOnce("event-outbox-retention", prune).catch((err: unknown) =>
      logger.error({ err }, "outbox retention failed"),
    );
  }, config.outboxPruneIntervalMs);
  pruneTimer.unref();
  return {
    dispatcher,
    outbox,
    /** The subscriptions' deadlines, on the outbox's connection (see impl/services/subscription-lifecycle.ts). */
    deadlines,
    /** Applies the outbox retention now (it also runs every EVENT_OUTBOX_PRUNE_INTERVAL_MS). */
    prune,
    /** GET handler for the delivery metrics (Prometheus text). */
    async metrics(_req: IncomingMessage, res: ServerResponse): Promise<void> {
      const text = await dispatcher.metrics.registry.metrics();
      res.writeHead(200, { "content-type": dispatcher.metrics.registry.contentType }).end(text);
    },
    /** Stops delivery (pending events stay in the outbox) and closes the outbox and connections. */
    async close(): Promise<void> {
      clearInterval(pruneTimer);
      await dispatcher.close();
      await sender.close();
      outbox.close();
      release();
    },
  };
}

/** The outbox and deadlines in the store's database: PostgreSQL (shared lanes) or SQLite (this process). */
function openOutboxAndDeadlines(
  options: EventDeliveryOptions,
  logger: Logger,
): {
  outbox: EventOutbox;
  deadlines: DeadlineBook;
  share?: (lanes: LocalLanes) => LaneSharing;
  release(): void;
} {
  const { store, config } = options;
  if ("writes" in store && options.databaseUrl) {
    const outbox = openPostgresOutbox(store);
    const share = createSharedLanes({
      outbox,
      url: options.databaseUrl,
      scanIntervalMs: config.laneScanMs,
      logger,
    });
    return { outbox, deadlines: openPostgresDeadlines(store), share, release: () => undefined };
  }
  const shared = "database" in store ? store.database : undefined;
  const connection = shareOrOpen(shared?.file === options.storeFile ? shared : options.storeFile);
  const deadlines = openSubscriptionDeadlines(connection.database);
  return {
    outbox: openOutbox(connection.database),
    deadlines,
    release() {
      deadlines.close();
      connection.release();
    },
  };
}

/** The CA trusted for allow-listed loopback sinks, or undefined (with a warning when the default is absent). */
function readSinkCa(config: EventsConfig, logger: Logger): string | undefined {
  if (!config.sinkCaFile) return undefined;
  if (config.sinkCaFileDefaulted && !existsSync(config.sinkCaFile)) {
    logger.warn(
      { file: config.sinkCaFile },
      "no development CA in DEV_CA_DIR (`npm run dev-ca` makes it): allow-listed loopback sinks must present a publicly trusted certificate",
    );
    return undefined;
  }
  return readFileSync(config.sinkCaFile, "utf8");
}
