import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDevIssuer, createJwtVerifier, type DevIssuer } from "camara-webrtc-runtime";
import pino from "pino";
import { createGateway, type Gateway } from "../gateway.ts";
import type { Clock } from "../services/clock.ts";
import type { DomainEvent } from "../services/event-publisher.ts";
import { createSqliteStore } from "../store/index.ts";
import { createFakeEngine } from "./fake-engine.ts";

export const ISSUER = "http://127.0.0.1/test-issuer";
export const AUDIENCE = "camara-webrtc-gateway";
export const ALICE = "+34600000001";
export const BOB = "+34600000002";

/** Every scope of the three r2.2 APIs, and the one r3.1 adds (reading registrations). */
export const ALL_SCOPES = [
  "webrtc-registration:sessions:create",
  "webrtc-registration:sessions:read",
  "webrtc-registration:sessions:write",
  "webrtc-registration:sessions:delete",
  "webrtc-call-handling:sessions:create",
  "webrtc-call-handling:sessions:read",
  "webrtc-call-handling:sessions:write",
  "webrtc-call-handling:sessions:delete",
  "webrtc-events:org.camaraproject.webrtc-events.v0.session-status:create",
  "webrtc-events:org.camaraproject.webrtc-events.v0.session-invitation:create",
  "webrtc-events:org.camaraproject.webrtc-events.v0.registration-ends:create",
  "webrtc-events:read",
  "webrtc-events:update",
  "webrtc-events:delete",
];

export interface TestGateway {
  readonly gateway: Gateway;
  readonly issuer: DevIssuer;
  readonly engine: ReturnType<typeof createFakeEngine>;
  readonly events: DomainEvent[];
  readonly baseUrl: string;
  token(phone?: string, scopes?: readonly string[]): Promise<string>;
  /** fetch against the gateway with a bearer token and JSON body. */
  request(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real HTTP stack, services, SQLite store and JWT verification, in-process on 127.0.0.1:0,
 * with the fake engine in place of the SIP network (unit and in-process tests only).
 */
export async function startTestGateway(
  options: { storeFile?: string; clock?: Clock } = {},
): Promise<TestGateway> {
  const issuer = await createDevIssuer({
    issuer: ISSUER,
    audience: AUDIENCE,
    clients: [{ clientId: "test-client", clientSecret: "test-secret" }],
    phoneNumbers: [ALICE, BOB],
  });
  const engine = createFakeEngine();
  const events: DomainEvent[] = [];
  const gateway = createGateway({
    store: createSqliteStore({ file: options.storeFile ?? ":memory:" }),
    engine: engine.factory,
    verifier: createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: issuer.jwks() }),
    events: { publish: async (e) => void events.push(e) },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
    ttl: { defaultSec: 3600, minSec: 300, maxSec: 86400 },
    validateResponses: true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = (phone = ALICE, scopes: readonly string[] = ALL_SCOPES) =>
    issuer.issueToken({ phoneNumber: phone, scopes });
  const defaultToken = await token();
  return {
    gateway,
    issuer,
    engine,
    events,
    baseUrl,
    token,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const bearer = opts.token === undefined ? defaultToken : opts.token;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
        headers["content-type"] ??= "application/json";
      }
      return fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}
