import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import type { Engine, EngineListener, RegisterRequest, SessionRecovery } from "../engine/engine.ts";
import { EngineError } from "../engine/engine-error.ts";
import { createOfflineEngine } from "../engine/offline/offline-engine.ts";
import { createGateway } from "../gateway.ts";
import type { SessionRecord, Store } from "../store/index.ts";
import { createSqliteStore } from "../store/index.ts";
import { createFakeEngine } from "../testing/fake-engine.ts";
import type { DomainEvent } from "./event-publisher.ts";
import { startRestartReconciliation } from "./restart-reconciliation.ts";

const NOW = new Date("2030-01-01T12:00:00.000Z");
const OWNER = "+34600000001";

function session(id: string, direction: SessionRecord["direction"], status: string): SessionRecord {
  return {
    mediaSessionId: id,
    owner: OWNER,
    registrationId: "reg-1",
    direction,
    info: {
      mediaSessionId: id,
      status: status as never,
      receiverAddress: "tel:+34600000002",
      sequenceNumber: 2,
    },
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

function registration(id: string, expiresAt: string) {
  return {
    registrationId: id,
    owner: OWNER,
    deviceId: `device-${id}`,
    expiresAt,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  };
}

/** A gateway over `store` as it comes up after a restart, with `engine`, and what it published. */
function restarted(store: Store, engine: (listener: EngineListener) => Engine, spreadMs = 0) {
  const events: DomainEvent[] = [];
  const gateway = createGateway({
    store,
    engine,
    verifier: { verify: async () => assert.fail("no API call in these tests") },
    events: { publish: async (e) => void events.push(e) },
    logger: pino({ level: "silent" }),
    ttl: { defaultSec: 3600, minSec: 300, maxSec: 86400 },
    validateResponses: false,
    clock: { now: () => NOW },
  });
  let n = 0;
  const reconciliation = startRestartReconciliation({
    store,
    registrations: gateway.services.registrations,
    calls: gateway.services.calls,
    engine: gateway.engine,
    clock: { now: () => NOW },
    registrationSpreadMs: spreadMs,
    retryBaseMs: 10,
    newCorrelator: () => `restart-${++n}`,
    logger: pino({ level: "silent" }),
  });
  const statusEvents = () =>
    events
      .filter((e) => e.type.endsWith("session-status"))
      .map((e) => [
        ("mediaSessionId" in e && e.mediaSessionId) || "",
        (e.data as { status?: string }).status,
      ]);
  return { events, reconciliation, statusEvents, close: () => reconciliation.stop() };
}

describe("start-up reconciliation: sessions whose call leg died with the previous process", () => {
  it("ends each unfinished session with its terminal status and session-status event, and leaves ended ones alone", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    for (const s of [
      session("out-ringing", "originating", "Ringing"),
      session("in-offered", "terminating", "Initial"),
      session("connected", "originating", "Connected"),
      session("held", "terminating", "Hold"),
      session("busy", "originating", "Busy"),
    ])
      await store.sessions.put(s);
    const gw = restarted(store, createFakeEngine().factory);
    assert.equal(await gw.reconciliation.sessions, 4);
    assert.deepEqual(gw.statusEvents(), [
      ["out-ringing", "Failed"],
      ["in-offered", "Failed"],
      ["connected", "Terminated"],
      ["held", "Terminated"],
    ]);
    const connected = await store.sessions.get("connected");
    assert.equal(connected?.info.status, "Terminated");
    assert.equal(connected?.info.reason, "The gateway restarted and lost the call; no BYE could be sent");
    assert.equal(connected?.info.sequenceNumber, 3);
    assert.equal((await store.sessions.get("busy"))?.info.status, "Busy");
    gw.close();
  });

  it("asks the engine first: a session it carries on is left as it is (the seam for dialog persistence)", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.sessions.put(session("kept", "originating", "Connected"));
    await store.sessions.put(session("lost", "originating", "Connected"));
    const asked: string[] = [];
    const fake = createFakeEngine();
    const engine = (listener: EngineListener): Engine => ({
      ...fake.factory(listener),
      async recoverSession(s): Promise<SessionRecovery | undefined> {
        asked.push(`${s.mediaSessionId} ${s.direction} ${s.status}`);
        return s.mediaSessionId === "kept" ? { kind: "resumed" } : undefined;
      },
    });
    const gw = restarted(store, engine);
    assert.equal(await gw.reconciliation.sessions, 1);
    assert.deepEqual(asked, ["kept originating Connected", "lost originating Connected"]);
    assert.deepEqual(gw.statusEvents(), [["lost", "Terminated"]]);
    assert.equal((await store.sessions.get("kept"))?.info.status, "Connected");
    gw.close();
  });

  it("with the offline engine, an outgoing call accepted just before a kill -9 (still Initial) ends NotReachable, as the offline engine ends it normally", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.sessions.put(session("stuck", "originating", "Initial"));
    const gw = restarted(store, createOfflineEngine);
    assert.equal(await gw.reconciliation.sessions, 1);
    assert.deepEqual(gw.statusEvents(), [["stuck", "NotReachable"]]);
    assert.equal(
      (await store.sessions.get("stuck"))?.info.reason,
      "No SIP network is configured (ENGINE=offline)",
    );
    gw.close();
  });
});

describe("start-up reconciliation: registrations", () => {
  /** An engine whose refresh() answers per registration id as `outcomes` says (then succeeds). */
  function scripted(outcomes: Record<string, EngineError[]>) {
    const refreshed: RegisterRequest[] = [];
    const fake = createFakeEngine();
    const factory = (listener: EngineListener): Engine => {
      const engine = fake.factory(listener);
      return {
        ...engine,
        registrations: {
          ...engine.registrations,
          async refresh(request) {
            refreshed.push(request);
            const next = outcomes[request.registrationId]?.shift();
            if (next) throw next;
          },
        },
      };
    };
    return { factory, refreshed };
  }

  it("re-registers every active registration with its stored expiry, without an API call, and skips expired ones", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration("reg-a", "2030-01-01T13:00:00.000Z"));
    await store.registrations.put(registration("reg-b", "2030-01-02T00:00:00.000Z"));
    await store.registrations.put(registration("reg-old", "2030-01-01T11:59:59.000Z"));
    const engine = scripted({});
    const gw = restarted(store, engine.factory);
    assert.deepEqual(await gw.reconciliation.registrations, { restored: 2, ended: 0, retrying: 0 });
    assert.deepEqual(
      engine.refreshed.map((r) => [r.registrationId, r.phoneNumber, r.expiresAt.toISOString()]),
      [
        ["reg-a", OWNER, "2030-01-01T13:00:00.000Z"],
        ["reg-b", OWNER, "2030-01-02T00:00:00.000Z"],
      ],
    );
    assert.deepEqual(gw.events, []);
    gw.close();
  });

  it("spreads the re-REGISTERs over the configured window instead of sending them at once", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    for (const id of ["r1", "r2", "r3", "r4"])
      await store.registrations.put(registration(id, "2030-01-02T00:00:00.000Z"));
    const engine = scripted({});
    // Four over 60 s: one at once, the next 15 s later.
    const gw = restarted(store, engine.factory, 60_000);
    for (let i = 0; i < 100 && engine.refreshed.length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      engine.refreshed.map((r) => r.registrationId),
      ["r1"],
    );
    gw.close();
  });

  it("ends a registration the network refuses with registration-ends NETWORK_TERMINATED, and retries one it cannot reach", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration("refused", "2030-01-02T00:00:00.000Z"));
    await store.registrations.put(registration("unreachable", "2030-01-02T00:00:00.000Z"));
    const engine = scripted({
      refused: [new EngineError("network_rejected", "REGISTER +34600000001: 403 Forbidden")],
      unreachable: [new EngineError("network_unreachable", "outbound proxy unreachable")],
    });
    const gw = restarted(store, engine.factory);
    assert.deepEqual(await gw.reconciliation.registrations, { restored: 0, ended: 1, retrying: 1 });
    assert.deepEqual(
      gw.events.map((e) => [e.type, e.data]),
      [
        [
          "org.camaraproject.webrtc-events.v0.registration-ends",
          {
            registrationId: "refused",
            terminationReason: "NETWORK_TERMINATED",
            terminationDescription:
              "The network refused the registration after a gateway restart (REGISTER +34600000001: 403 Forbidden)",
          },
        ],
      ],
    );
    assert.equal(await store.registrations.get("refused"), undefined);
    for (let i = 0; i < 50 && engine.refreshed.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      engine.refreshed.map((r) => r.registrationId),
      ["refused", "unreachable", "unreachable"],
      "the unreachable one is tried again",
    );
    assert.ok(await store.registrations.get("unreachable"), "and kept meanwhile");
    gw.close();
  });
});
