import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { createDevIssuer, createJwtVerifier, StoreUnavailableError } from "camara-webrtc-runtime";
import pino from "pino";
import { createGateway, type Gateway } from "../gateway.ts";
import { createSqliteStore } from "../store/sqlite-store.ts";
import type { Store } from "../store/store.ts";
import { createFakeEngine } from "../testing/fake-engine.ts";
import { ALICE, ALL_SCOPES, AUDIENCE, ISSUER } from "../testing/test-gateway.ts";

const UNAVAILABLE = {
  status: 503,
  code: "UNAVAILABLE",
  message: "The service is temporarily unavailable; retry later.",
};

/** Turns every method of the store's repositories, and ping, into an outage while `down` is set. */
function withOutage(store: Store, state: { down: boolean }): void {
  const failing = (target: Record<string, unknown>) => {
    for (const [name, method] of Object.entries(target)) {
      if (typeof method !== "function") continue;
      target[name] = (...args: unknown[]) =>
        state.down
          ? Promise.reject(new StoreUnavailableError("The PostgreSQL store cannot be reached"))
          : (method as (...a: unknown[]) => unknown).apply(target, args);
    }
  };
  failing(store.registrations as unknown as Record<string, unknown>);
  failing(store.subscriptions as unknown as Record<string, unknown>);
  failing(store.sessions as unknown as Record<string, unknown>);
  const ping = store.ping.bind(store);
  (store as { ping: Store["ping"] }).ping = async () => !state.down && (await ping());
}

describe("a store outage", () => {
  const state = { down: false };
  let gateway: Gateway;
  let server: Server;
  let baseUrl: string;
  let token: string;
  before(async () => {
    const issuer = await createDevIssuer({
      issuer: ISSUER,
      audience: AUDIENCE,
      clients: [{ clientId: "test-client", clientSecret: "test-secret" }],
      phoneNumbers: [ALICE],
    });
    const store = createSqliteStore({ file: ":memory:" });
    withOutage(store, state);
    gateway = createGateway({
      store,
      engine: createFakeEngine().factory,
      verifier: createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: issuer.jwks() }),
      events: { publish: async () => undefined },
      logger: pino({ level: "silent" }),
      ttl: { defaultSec: 3600, minSec: 300, maxSec: 86400 },
      validateResponses: true,
    });
    server = await new Promise((resolve) => {
      const s = gateway.app.listen(0, "127.0.0.1", () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    token = await issuer.issueToken({ phoneNumber: ALICE, scopes: ALL_SCOPES });
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.close();
  });
  const gw = {
    request: (method: string, path: string, opts: { body?: unknown } = {}) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      }),
    get baseUrl() {
      return baseUrl;
    },
  };

  it("answers 503 UNAVAILABLE with an ErrorInfo that names nothing of the database, and /readyz 503", async () => {
    state.down = true;
    const created = await gw.request("POST", "/webrtc-registration/v0.3/sessions", {
      body: { deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" },
    });
    assert.equal(created.status, 503);
    assert.deepEqual(await created.json(), UNAVAILABLE);
    const listed = await gw.request("GET", "/webrtc-events/v0.2/subscriptions");
    assert.equal(listed.status, 503);
    assert.deepEqual(await listed.json(), UNAVAILABLE);
    assert.equal((await fetch(`${gw.baseUrl}/readyz`)).status, 503);

    state.down = false;
    assert.equal((await fetch(`${gw.baseUrl}/readyz`)).status, 200);
    const again = await gw.request("POST", "/webrtc-registration/v0.3/sessions", {
      body: { deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" },
    });
    assert.equal(again.status, 200);
  });
});
