import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDevIssuer, createJwtVerifier } from "camara-webrtc-runtime";
import pino from "pino";
import { type DevCa, ensureDevCa } from "../../../scripts/dev-ca/dev-ca.ts";
import { fromRoot } from "../../../scripts/lib/paths.ts";
import { createGateway, type Gateway } from "../../gateway.ts";
import { createSqliteStore, openSubscriptionDeadlines, type SqliteStore } from "../../store/index.ts";
import { createFakeEngine } from "../../testing/fake-engine.ts";
import { ALICE, ALL_SCOPES, AUDIENCE, BOB, ISSUER } from "../../testing/test-gateway.ts";
import { createEventDispatcher, type EventDispatcher } from "../event-dispatcher.ts";
import { createHttpSender, type Delivery } from "../http-sender.ts";
import { type Outbox, openOutbox } from "../outbox.ts";
import { createSinkPolicy } from "../sink-policy.ts";

/** The development CA the tests share (data/dev-ca, as the dev gateway uses). */
export function testDevCa(): DevCa {
  return ensureDevCa(fromRoot("data", "dev-ca"));
}

export interface EventsTestGatewayOptions {
  /** `host:port` sinks that are delivered to. */
  readonly allowlist: readonly string[];
  readonly environment?: "development" | "test" | "production";
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly sweepIntervalMs?: number;
  readonly tokenExpiryLeadMs?: number;
  readonly resolve?: (host: string) => Promise<string[]>;
}

/**
 * The in-process gateway (real HTTP stack, services, SQLite, JWT) with the real subscription
 * lifecycle, event dispatcher, outbox and HTTPS sender, and the fake engine: unit tests of matching and lifecycle against a
 * loopback sink. Every delivery attempt is recorded in `attempts`.
 */
export async function startEventsTestGateway(options: EventsTestGatewayOptions) {
  const dir = mkdtempSync(join(tmpdir(), "events-gw-"));
  const file = join(dir, "gateway.db");
  const issuer = await createDevIssuer({
    issuer: ISSUER,
    audience: AUDIENCE,
    clients: [{ clientId: "test-client", clientSecret: "test-secret" }],
    phoneNumbers: [ALICE, BOB],
  });
  const engine = createFakeEngine();
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const store: SqliteStore = createSqliteStore({ file });
  // As the gateway wires it (event-delivery.ts): the outbox on the store's connection.
  const outbox: Outbox = openOutbox(store.database);
  const deadlines = openSubscriptionDeadlines(store.database);
  const sender = createHttpSender({ timeoutMs: 5000, devCaPem: testDevCa().caCertPem });
  const attempts: Delivery[] = [];
  const policy = createSinkPolicy({
    environment: options.environment ?? "test",
    allowlist: options.allowlist,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  const dispatcher: EventDispatcher = createEventDispatcher({
    outbox,
    policy,
    send: (delivery) => {
      attempts.push(delivery);
      return sender.send(delivery);
    },
    source: "urn:camara-webrtc-gateway:test",
    retry: { baseMs: options.retryBaseMs ?? 20, maxMs: options.retryMaxMs ?? 200, retryAfterMaxMs: 5000 },
    maxAgeMs: 60_000,
    logger,
  });
  const gateway: Gateway = createGateway({
    store,
    engine: engine.factory,
    verifier: createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: issuer.jwks() }),
    delivery: {
      outbox: dispatcher,
      deadlines,
      sweepIntervalMs: options.sweepIntervalMs ?? 20,
      tokenExpiryLeadMs: options.tokenExpiryLeadMs ?? 0,
      endedRetentionMs: 60_000,
    },
    logger,
    ttl: { defaultSec: 3600, minSec: 300, maxSec: 86400 },
    validateResponses: true,
  });
  const lifecycle = gateway.services.subscriptionLifecycle;
  dispatcher.start(lifecycle);
  lifecycle.start();
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = (phone = ALICE, scopes: readonly string[] = ALL_SCOPES) =>
    issuer.issueToken({ phoneNumber: phone, scopes });
  const aliceToken = await token();

  async function request(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.token ?? aliceToken}` };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    return fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
  }

  return {
    gateway,
    engine,
    dispatcher,
    /** The owner of the subscriptions (impl/services/subscription-lifecycle.ts). */
    lifecycle,
    store,
    outbox,
    /** The SQLite file of store and outbox (read it with another connection to see what is committed). */
    file,
    attempts,
    baseUrl,
    token,
    request,
    /** POST /sessions (registration) for ALICE (or the token's subscriber); returns the registrationId. */
    async register(bearer?: string): Promise<string> {
      const res = await request("POST", "/webrtc-registration/v0.3/sessions", {
        ...(bearer ? { token: bearer } : {}),
        body: { deviceId: crypto.randomUUID() },
      });
      if (res.status !== 200 && res.status !== 201)
        throw new Error(`registration: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { registrationId: string }).registrationId;
    },
    /** POST /subscriptions; returns the response (tests assert its status). */
    subscribe(body: object, bearer?: string): Promise<Response> {
      return request("POST", "/webrtc-events/v0.2/subscriptions", {
        ...(bearer ? { token: bearer } : {}),
        body,
      });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await lifecycle.close();
      await dispatcher.close();
      await sender.close();
      outbox.close();
      deadlines.close();
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type EventsTestGateway = Awaited<ReturnType<typeof startEventsTestGateway>>;
