#!/usr/bin/env -S node --import tsx
/**
 * Composition root of the gateway: configuration read once and validated, then store, auth, engine,
 * services and HTTP app wired together. Graceful shutdown on SIGTERM and SIGINT.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import {
  createDevIssuer,
  createHttpServer,
  createIntrospectionVerifier,
  createJwtVerifier,
  createRateLimit,
  mountDevIssuer,
  type TokenVerifier,
  withVerificationCache,
} from "camara-webrtc-runtime";
import type { Pool } from "pg";
import pino, { type Logger } from "pino";
import { type ClusterConfig, readClusterConfig } from "./cluster/cluster-config.ts";
import { clusterEngine } from "./cluster/cluster-engine.ts";
import { openClusterExclusive } from "./cluster/cluster-exclusive.ts";
import { type ClusterNode, openClusterNode } from "./cluster/cluster-node.ts";
import { runOnceInCluster } from "./cluster/cluster-once.ts";
import { nodeTaggedId } from "./cluster/node-tagged-id.ts";
import { type Config, ConfigError, readConfig } from "./config/config.ts";
import { checkConfigFiles } from "./config/config-files.ts";
import { mountDemo } from "./demo/mount-demo.ts";
import type { Engine, EngineListener } from "./engine/engine.ts";
import { createMediaAnchorFromConfig } from "./engine/media/media-config.ts";
import { createOfflineEngine } from "./engine/offline/offline-engine.ts";
import { startSipEngineFromConfig } from "./engine/sip/sip-engine-from-config.ts";
import { createEventDelivery } from "./events/event-delivery.ts";
import { createGateway, type Gateway } from "./gateway.ts";
import { startNotificationRelay } from "./relay/notification-relay.ts";
import { systemClock } from "./services/clock.ts";
import { startRestartReconciliation } from "./services/restart-reconciliation.ts";
import { takeOver } from "./services/take-over.ts";
import {
  createSqliteStore,
  openPostgresStore,
  type PostgresStore,
  type Store,
  StoreUnavailableError,
} from "./store/index.ts";
import { redactDatabaseUrl } from "./store/store-config.ts";

const DEV_ISSUER_PATH = "/dev-issuer";

/** The token verifier AUTH_MODE asks for, and in dev mode the embedded issuer's routes to mount. */
async function createVerifier(config: Config, logger: Logger) {
  let mountIssuer: Parameters<typeof createGateway>[0]["extraRoutes"];
  let verifier: TokenVerifier;
  const auth = config.auth;
  if (auth.mode === "dev") {
    const issuerUrl = auth.issuerUrl || `http://127.0.0.1:${config.port}${DEV_ISSUER_PATH}`;
    const issuer = await createDevIssuer({
      issuer: issuerUrl,
      audience: auth.audience,
      clients: [{ clientId: auth.clientId, clientSecret: auth.clientSecret }],
      phoneNumbers: auth.phoneNumbers,
      keyFile: auth.keyFile,
    });
    verifier = createJwtVerifier({
      issuer: issuerUrl,
      audience: auth.audience,
      jwks: issuer.jwks(),
      phoneNumberClaim: auth.phoneClaim,
      clockToleranceSec: auth.clockToleranceSec,
    });
    mountIssuer = (app) => mountDevIssuer(app, DEV_ISSUER_PATH, issuer);
    logger.warn(
      { issuer: issuerUrl },
      "embedded development issuer enabled (AUTH_MODE=dev): never use it in production",
    );
  } else if (auth.mode === "jwt") {
    verifier = createJwtVerifier({ ...auth, phoneNumberClaim: auth.phoneClaim });
    if (auth.requireAccessTokenType) logger.info({ typ: "at+jwt" }, "JWT access tokens must have typ at+jwt");
    else
      logger.warn(
        { typ: "any" },
        "AUTH_JWT_TYP=any: JWTs of any typ are accepted (RFC 9068 §4 asks for at+jwt); ID tokens of the issuer pass too",
      );
  } else {
    verifier = createIntrospectionVerifier({
      introspectionUrl: auth.introspectionUrl,
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
      timeoutMs: auth.timeoutMs,
      ...(auth.issuer ? { issuer: auth.issuer } : {}),
      ...(auth.audience ? { audience: auth.audience } : {}),
      phoneNumberClaim: auth.phoneClaim,
    });
  }
  return { verifier, mountIssuer };
}

/**
 * A cluster node (NODE_ID, README "Running several gateways"): its lease and internal channel in the
 * shared PostgreSQL, and the engine that hands each request to the node holding the SIP state.
 */
async function joinCluster(
  config: ClusterConfig,
  store: Store,
  storeConfig: Config["store"],
  engine: (listener: EngineListener) => Engine,
  logger: Logger,
) {
  if (!("reads" in store) || storeConfig.kind !== "postgres")
    throw new ConfigError(["NODE_ID needs STORE=postgres."]);
  const log = logger.child({ component: "cluster" });
  const { reads, writes } = store as PostgresStore;
  const node = await openClusterNode(reads, config, log, (op) => writes.write(op));
  const locks = openClusterExclusive({
    url: storeConfig.url,
    timeoutMs: storeConfig.timeoutMs,
    onError: (err) => log.warn({ err }, "a cluster lock connection failed; it is replaced on next use"),
  });
  const parts = clusterEngine(engine, {
    registry: node.registry,
    client: node.client,
    leaseCurrent: node.leaseCurrent,
    leaseGeneration: node.leaseGeneration,
    accepting: node.accepting,
    takeOver: node.takeOver,
    takingOver: node.takingOver,
    warn: (message, detail) => log.warn(detail, message),
  });
  return { node, locks, ...parts };
}

/** Starts the cluster node's lease, internal channel and failover sweep once the services exist. */
async function startClusterNode(
  cluster: { node: ClusterNode; handle: Parameters<ClusterNode["start"]>[0] },
  store: Store,
  gateway: Gateway,
  logger: Logger,
) {
  const options = {
    store,
    registrations: gateway.services.registrations,
    calls: gateway.services.calls,
    engine: gateway.engine,
    newCorrelator: randomUUID,
    logger: logger.child({ component: "takeover" }),
  };
  await cluster.node.start(cluster.handle, (resource) => takeOver(options, resource));
}

/** Start-up reconciliation; resolves once the unfinished sessions are settled (registrations go on). */
async function reconcileAtStart(
  config: Config,
  store: Store,
  gateway: Gateway,
  logger: Logger,
  cluster?: ClusterNode,
) {
  const reconciliation = startRestartReconciliation({
    ...(cluster
      ? { answersFor: (kind: "registration" | "session", id: string) => cluster.registry.claim(id, kind) }
      : {}),
    store,
    registrations: gateway.services.registrations,
    calls: gateway.services.calls,
    engine: gateway.engine,
    clock: systemClock,
    registrationSpreadMs: config.registrationRestoreSpreadMs,
    newCorrelator: randomUUID,
    logger: logger.child({ component: "restart" }),
  });
  const endedSessions = await reconciliation.sessions;
  void reconciliation.registrations.then((restored) =>
    logger.info({ ...restored, endedSessions }, "start-up reconciliation done"),
  );
  return reconciliation;
}

/** The store STORE names; with PostgreSQL, the events outbox, deadlines and relay are in it too. */
async function openStore(config: Config, logger: Logger) {
  return config.store.kind === "postgres"
    ? await openPostgresStore({
        ...config.store,
        onError: (err) => logger.warn({ err }, "PostgreSQL connection lost; it is replaced on next use"),
      })
    : createSqliteStore({ file: config.storeFile, synchronous: config.storeSynchronous });
}

/** The start-up line: where the gateway listens and what it runs on (the database URL without its password). */
function logListening(config: Config, server: Server, logger: Logger): void {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info(
    {
      host: config.host,
      port,
      engine: config.engine,
      auth: config.auth.mode,
      store: config.store.kind === "postgres" ? redactDatabaseUrl(config.store.url) : config.storeFile,
      http: config.http,
    },
    "gateway listening",
  );
}

/** The HTTP server of the gateway's app, listening on HOST:PORT. */
function listen(app: Parameters<typeof createHttpServer>[0], config: Config): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createHttpServer(app, config.http);
    s.once("error", reject);
    s.listen(config.port, config.host, () => resolve(s));
  });
}

/** Ends expired registrations every REGISTRATION_SWEEP_INTERVAL_MS. */
function startRegistrationSweep(
  config: Config,
  store: Awaited<ReturnType<typeof openStore>>,
  gateway: ReturnType<typeof createGateway>,
  logger: Logger,
  inCluster: boolean,
): NodeJS.Timeout {
  const sweepExpired = () => gateway.services.registrations.sweepExpired(randomUUID());
  return setInterval(() => {
    // In a cluster, one node at a time: each expiry ends once, with one registration-ends.
    const once =
      inCluster && "reads" in store
        ? runOnceInCluster(store.reads as Pool, "registration-sweep", sweepExpired)
        : sweepExpired();
    once.catch((err: unknown) => logger.error({ err }, "registration sweep failed"));
  }, config.registrationSweepIntervalMs);
}

/**
 * webrtc-events: the notification relay's sinks (HTTPS) and the dispatcher with its durable outbox.
 * With PostgreSQL, periodic work runs on one node at a time (each expiry, each retention pass once).
 */
async function startEvents(
  config: Config,
  store: Awaited<ReturnType<typeof openStore>>,
  cachedVerifier: ReturnType<typeof withVerificationCache>,
  logger: Logger,
) {
  const postgres =
    config.store.kind === "postgres" && "writes" in store ? { store, url: config.store.url } : undefined;
  const runOnce = postgres
    ? (job: string, run: () => Promise<unknown>) => runOnceInCluster(postgres.store.reads, job, run)
    : undefined;
  const relay = config.relay.enabled
    ? await startNotificationRelay({
        config: config.relay,
        store: postgres
          ? { postgres: postgres.store, url: postgres.url }
          : "database" in store
            ? store.database
            : config.storeFile,
        verifier: cachedVerifier,
        logger: logger.child({ component: "relay" }),
      })
    : undefined;
  const delivery = createEventDelivery({
    config: config.events,
    environment: config.environment,
    storeFile: config.storeFile,
    store,
    ...(postgres ? { databaseUrl: postgres.url } : {}),
    ...(runOnce ? { runOnce } : {}),
    logger,
    ownSinks: relay ? [relay.hostPort] : [],
  });

  return { relay, delivery, runOnce };
}

async function start(config: Config) {
  const fileProblems = checkConfigFiles(config);
  if (fileProblems.length > 0) throw new ConfigError(fileProblems);
  const logger = pino({ level: config.logLevel, base: { service: "camara-webrtc-gateway" } });
  const { verifier, mountIssuer } = await createVerifier(config, logger);

  const cachedVerifier = withVerificationCache(verifier, { maxAgeMs: config.tokenCacheMs });
  const clusterConfig = readClusterConfig();
  const store = await openStore(config, logger);
  const { relay, delivery, runOnce } = await startEvents(config, store, cachedVerifier, logger);

  // Media anchored by Janus (MEDIA_ANCHOR=janus) or rtpengine (RTPENGINE_NG) (impl/engine/media); SDP passes through otherwise.
  // The calls with a persisted dialog are carried on by this process: their anchor calls are spared.
  const media = createMediaAnchorFromConfig(config.media, logger.child({ component: "media" }), {
    spare: async () => new Set((await store.dialogs.list()).map((d) => d.mediaSessionId)),
  });
  const sipEngine =
    config.engine === "sip" && config.sip
      ? await startSipEngineFromConfig(
          config.sip,
          logger.child({ component: "sip" }),
          media?.anchor,
          store.dialogs,
        )
      : undefined;
  const localEngine =
    sipEngine?.factory ?? ((listener: EngineListener) => createOfflineEngine(listener, config.offline));
  const cluster = clusterConfig
    ? await joinCluster(clusterConfig, store, config.store, localEngine, logger)
    : undefined;
  const gateway = createGateway({
    store,
    engine: cluster?.factory ?? localEngine,
    // The balancer routes a resource's requests to the node its id names (node-tagged-id.ts).
    ...(clusterConfig ? { newId: nodeTaggedId(clusterConfig.nodeId) } : {}),
    ...(cluster ? { exclusive: cluster.locks.exclusive } : {}),
    verifier: cachedVerifier,
    delivery: {
      outbox: delivery.dispatcher,
      deadlines: delivery.deadlines,
      ...(runOnce ? { runSweep: (sweep: () => Promise<void>) => runOnce("subscription-sweep", sweep) } : {}),
      sweepIntervalMs: config.events.sweepIntervalMs,
      tokenExpiryLeadMs: config.events.tokenExpiryLeadMs,
      endedRetentionMs: config.events.endedRetentionMs,
    },
    logger,
    ttl: config.registrationTtl,
    validateResponses: config.validateResponses,
    ...(config.rateLimitPerMinute > 0 ? { rateLimit: createRateLimit(config.rateLimitPerMinute) } : {}),
    http: config.http,
    metrics: [delivery.dispatcher.metrics.registry],
    extraRoutes: (app) => {
      mountIssuer?.(app);
      // The demo softphone signs in through the development issuer, so it comes with it.
      if (mountIssuer) mountDemo(app);
      app.get("/metrics/events", (req, res) => void delivery.metrics(req, res));
    },
  });

  const server = await listen(gateway.app, config);
  relay?.attach(server);
  const { subscriptionLifecycle } = gateway.services;
  delivery.dispatcher.start(subscriptionLifecycle);
  subscriptionLifecycle.start();
  // The store outlived the previous process; its SIP state did not (impl/services/restart-reconciliation.ts).
  if (cluster) await startClusterNode(cluster, store, gateway, logger);
  const reconciliation = await reconcileAtStart(config, store, gateway, logger, cluster?.node);
  logListening(config, server, logger);

  const sweep = startRegistrationSweep(config, store, gateway, logger, cluster !== undefined);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    clearInterval(sweep);
    reconciliation.stop();
    // A cluster node gives its lease up first: the others take its registrations and calls over at once.
    await cluster?.node.resign();
    const forced = setTimeout(() => {
      logger.error("shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    forced.unref();
    // The relay first: open WebSockets would otherwise keep server.close() waiting.
    await relay?.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await cluster?.node.stop();
    await subscriptionLifecycle.close();
    await delivery.close();
    await gateway.close();
    await cluster?.locks.close();
    await media?.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

try {
  await start(readConfig());
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof StoreUnavailableError) {
    const url = process.env.DATABASE_URL ? redactDatabaseUrl(process.env.DATABASE_URL) : "";
    console.error(`${error.message} at ${url}: ${(error.cause as Error | undefined)?.message ?? ""}`);
    process.exit(1);
  }
  throw error;
}
