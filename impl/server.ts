#!/usr/bin/env -S node --import tsx
/**
 * Composition root of the gateway: configuration read once and validated, then store, auth, engine,
 * services and HTTP app wired together. Graceful shutdown on SIGTERM and SIGINT.
 */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import pino from "pino";
import { withVerificationCache } from "./auth/cached-verifier.ts";
import { createDevIssuer } from "./auth/dev-issuer.ts";
import { createIntrospectionVerifier } from "./auth/introspection-verifier.ts";
import { createJwtVerifier } from "./auth/jwt-verifier.ts";
import type { TokenVerifier } from "./auth/principal.ts";
import { type Config, ConfigError, readConfig } from "./config/config.ts";
import { checkConfigFiles } from "./config/config-files.ts";
import { mountDemo } from "./demo/mount-demo.ts";
import { createMediaAnchorFromConfig, readMediaConfig } from "./engine/media/media-config.ts";
import { createOfflineEngine } from "./engine/offline/offline-engine.ts";
import { startSipEngineFromConfig } from "./engine/sip/sip-engine-from-config.ts";
import { createEventDelivery } from "./events/event-delivery.ts";
import { createGateway } from "./gateway.ts";
import { mountDevIssuer } from "./http/dev-issuer-routes.ts";
import { createRateLimit } from "./http/rate-limit.ts";
import { startNotificationRelay } from "./relay/notification-relay.ts";
import { createSqliteStore } from "./store/index.ts";

const DEV_ISSUER_PATH = "/dev-issuer";

async function start(config: Config) {
  const fileProblems = checkConfigFiles(config);
  if (fileProblems.length > 0) throw new ConfigError(fileProblems);
  const logger = pino({ level: config.logLevel, base: { service: "camara-webrtc-gateway" } });
  let mountIssuer: Parameters<typeof createGateway>[0]["extraRoutes"];
  let verifier: TokenVerifier;
  const auth = config.auth;
  if (auth.mode === "dev") {
    const issuerUrl = `http://127.0.0.1:${config.port}${DEV_ISSUER_PATH}`;
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

  const cachedVerifier = withVerificationCache(verifier, { maxAgeMs: config.tokenCacheMs });
  const store = createSqliteStore({ file: config.storeFile, synchronous: config.storeSynchronous });
  // webrtc-events: the notification relay's sinks (HTTPS) and the dispatcher with its durable outbox.
  const relay = config.relay.enabled
    ? await startNotificationRelay({
        config: config.relay,
        store: store.database,
        verifier: cachedVerifier,
        logger: logger.child({ component: "relay" }),
      })
    : undefined;
  const delivery = createEventDelivery({
    config: config.events,
    environment: config.environment,
    storeFile: config.storeFile,
    store,
    logger,
    ownSinks: relay ? [relay.hostPort] : [],
  });

  // Media anchored by Janus (MEDIA_ANCHOR=janus) or rtpengine (RTPENGINE_NG) (impl/engine/media); SDP passes through otherwise.
  const media = createMediaAnchorFromConfig(readMediaConfig(), logger.child({ component: "media" }));
  const sipEngine =
    config.engine === "sip" && config.sip
      ? await startSipEngineFromConfig(config.sip, logger.child({ component: "sip" }), media?.anchor)
      : undefined;
  const gateway = createGateway({
    store,
    engine: sipEngine?.factory ?? createOfflineEngine,
    verifier: cachedVerifier,
    events: delivery.dispatcher,
    subscriptionHooks: delivery.dispatcher.hooks,
    logger,
    ttl: config.registrationTtl,
    validateResponses: config.validateResponses,
    ...(config.rateLimitPerMinute > 0 ? { rateLimit: createRateLimit(config.rateLimitPerMinute) } : {}),
    extraRoutes: (app) => {
      mountIssuer?.(app);
      // The demo softphone signs in through the development issuer, so it comes with it.
      if (mountIssuer) mountDemo(app);
      app.get("/metrics/events", (req, res) => void delivery.metrics(req, res));
    },
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = gateway.app.listen(config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  relay?.attach(server);
  delivery.dispatcher.start();
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  logger.info(
    { host: config.host, port, engine: config.engine, auth: auth.mode, store: config.storeFile },
    "gateway listening",
  );

  const sweep = setInterval(() => {
    gateway.services.registrations
      .sweepExpired(randomUUID())
      .catch((err: unknown) => logger.error({ err }, "registration sweep failed"));
  }, config.registrationSweepIntervalMs);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    clearInterval(sweep);
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
    await delivery.close();
    await gateway.close();
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
  throw error;
}
