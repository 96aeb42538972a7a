import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import {
  createSqliteStore,
  type DeadlineKind,
  type SubscriptionRecordR2_2,
  type SubscriptionRecordR3_1,
} from "../store/index.ts";
import type { Notification } from "./notification-outbox.ts";
import { createSessionChanges } from "./session-changes.ts";
import { createSubscriptionLifecycle } from "./subscription-lifecycle.ts";

const INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation" as const;
const STATUS = "org.camaraproject.webrtc-events.v0.session-status" as const;
const NOW = new Date("2030-01-01T12:00:00.000Z");

/** The lifecycle on a real SQLite store, with a recording outbox and deadlines kept in memory. */
function setUp() {
  const store = createSqliteStore({ file: ":memory:" });
  const written: Notification[] = [];
  const dropped: string[] = [];
  const deadlines = new Map<string, number>();
  const lifecycle = createSubscriptionLifecycle({
    store,
    clock: { now: () => NOW },
    logger: pino({ level: "silent" }),
    delivery: {
      outbox: {
        admitSink: async () => undefined,
        write: async (batch) => void written.push(...batch),
        drop: async (id) => dropped.push(id),
      },
      deadlines: {
        setDeadline: async (id: string, kind: DeadlineKind, at: number) =>
          void deadlines.set(`${id}/${kind}`, at),
        dueDeadlines: () => [],
        clearDeadlines: async (id: string) => {
          for (const key of deadlines.keys()) if (key.startsWith(`${id}/`)) deadlines.delete(key);
        },
      },
      sweepIntervalMs: 1000,
      tokenExpiryLeadMs: 0,
      endedRetentionMs: 60_000,
    },
  });
  const subscription = (
    id: string,
    type: typeof INVITATION | typeof STATUS,
    over: Partial<SubscriptionRecordR2_2> = {},
  ): SubscriptionRecordR2_2 => ({
    id,
    owner: "+34600000001",
    request: {
      protocol: "HTTP",
      sink: `https://sink.example/${id}`,
      types: [type],
      config: { subscriptionDetail: { registrationId: "reg-1", sessionId: "ms-1" } },
    },
    status: "ACTIVE",
    startsAt: NOW.toISOString(),
    expiresAt: null,
    eventCount: 0,
    ...over,
  });
  const ended = () =>
    written
      .filter((n) => n.event.type.endsWith("subscription-ended"))
      .map((n) => [n.subscriptionId, (n.event.data as { terminationReason: string }).terminationReason]);
  return { store, lifecycle, written, dropped, deadlines, subscription, ended };
}

describe("the subscription lifecycle (recording outbox)", () => {
  it("deletes an active subscription after handing subscription-ended SUBSCRIPTION_DELETED to its sink, and an ended one silently", async () => {
    const t = setUp();
    await t.lifecycle.create(
      t.subscription("a", INVITATION, { expiresAt: "2030-01-02T00:00:00.000Z" }),
      "c1",
    );
    await t.lifecycle.create(t.subscription("b", INVITATION, { status: "EXPIRED" }), "c2");
    assert.deepEqual([...t.deadlines.keys()], ["a/expire"]);
    await t.lifecycle.delete("a", "c3");
    await t.lifecycle.delete("b", "c4");
    assert.deepEqual(t.ended(), [["a", "SUBSCRIPTION_DELETED"]]);
    assert.equal(await t.store.subscriptions.get("a"), undefined);
    assert.equal(await t.store.subscriptions.get("b"), undefined);
    assert.deepEqual([...t.deadlines.keys()], [], "no deadline outlives its subscription");
  });

  it("ends the invitation subscriptions of a deleted registration with NETWORK_TERMINATED and keeps the session-status ones", async () => {
    const t = setUp();
    await t.lifecycle.create(t.subscription("inv", INVITATION), "c1");
    await t.lifecycle.create(t.subscription("st", STATUS), "c2");
    await t.lifecycle.registrationDeleted("reg-1", "c3");
    assert.deepEqual(t.ended(), [["inv", "NETWORK_TERMINATED"]]);
    assert.equal((await t.store.subscriptions.get("inv"))?.status, "DELETED");
    assert.equal((await t.store.subscriptions.get("st"))?.status, "ACTIVE");
  });

  it("on 410 from the sink drops what the subscription has undelivered and leaves it DELETED, without subscription-ended", async () => {
    const t = setUp();
    await t.lifecycle.create(t.subscription("g", INVITATION), "c1");
    await t.lifecycle.gone("g");
    assert.deepEqual(t.dropped, ["g"]);
    assert.deepEqual(t.ended(), []);
    assert.equal((await t.store.subscriptions.get("g"))?.status, "DELETED");
  });

  it("counts events against subscriptionMaxEvents and writes the last one with MAX_EVENTS_REACHED", async () => {
    const t = setUp();
    const max = t.subscription("m", STATUS);
    await t.lifecycle.create(
      { ...max, request: { ...max.request, config: { ...max.request.config, subscriptionMaxEvents: 2 } } },
      "c1",
    );
    for (const sequenceNumber of [1, 2, 3])
      await t.lifecycle.publish({
        type: STATUS,
        registrationId: "reg-1",
        mediaSessionId: "ms-1",
        correlator: `e${sequenceNumber}`,
        data: { mediaSessionId: "ms-1", status: "Connected", sequenceNumber },
      });
    assert.deepEqual(
      t.written.map((n) => n.event.type.split(".").at(-1)),
      ["session-status", "session-status", "subscription-ended"],
    );
    assert.deepEqual(t.ended(), [["m", "MAX_EVENTS_REACHED"]]);
    assert.deepEqual(
      [(await t.store.subscriptions.get("m"))?.status, (await t.store.subscriptions.get("m"))?.eventCount],
      ["EXPIRED", 2],
    );
  });

  it("delivers to an r3.1 subscription the events of every registration of its device, in r3.1's shape, and keeps it past a registration's end", async () => {
    const t = setUp();
    const device = "7d444840-9dc0-11d1-b245-5ffdce74fad2";
    const at = NOW.toISOString();
    for (const [registrationId, deviceId] of [
      ["reg-1", device],
      ["reg-2", device],
      ["reg-3", "0c3cb3b8-6a0e-4e3b-9f5e-2d7e1c8e6a11"],
    ] as const)
      await t.store.registrations.put({
        registrationId,
        owner: "+34600000001",
        deviceId,
        expiresAt: "2030-01-02T00:00:00.000Z",
        createdAt: at,
        updatedAt: at,
      });
    const r31: SubscriptionRecordR3_1 = {
      id: "dev",
      owner: "+34600000001",
      release: "r3.1-rc.1",
      request: {
        protocol: "HTTP",
        sink: "https://sink.example/dev",
        types: [STATUS, "org.camaraproject.webrtc-events.v0.registration-ends"],
        config: { subscriptionDetail: { deviceId: device } },
      },
      status: "ACTIVE",
      startsAt: at,
      expiresAt: null,
      eventCount: 0,
    };
    await t.lifecycle.create(r31, "c0");
    const status = (registrationId: string, mediaSessionId: string) =>
      t.lifecycle.publish({
        type: STATUS,
        registrationId,
        mediaSessionId,
        correlator: "c",
        locationDetails: { shape: "Circle", coordinates: { latitude: 1, longitude: 2, radius: 3 } },
        data: { mediaSessionId, status: "Connected", clientCorrelator: "cc" },
      });
    await status("reg-1", "ms-1");
    await status("reg-2", "ms-2");
    await status("reg-3", "ms-3");
    await t.lifecycle.publish({
      type: "org.camaraproject.webrtc-events.v0.registration-ends",
      registrationId: "reg-gone",
      device: { owner: "+34600000001", deviceId: device },
      correlator: "c",
      data: { registrationId: "reg-gone", terminationReason: "REGISTRATION_EXPIRED" },
    });
    assert.deepEqual(
      t.written.map((n) => [n.subscriptionId, n.event.type.split(".").at(-1), n.event.data]),
      [
        [
          "dev",
          "session-status",
          {
            mediaSessionId: "ms-1",
            status: "Connected",
            locationDetails: { shape: "Circle", coordinates: { latitude: 1, longitude: 2, radius: 3 } },
          },
        ],
        [
          "dev",
          "session-status",
          {
            mediaSessionId: "ms-2",
            status: "Connected",
            locationDetails: { shape: "Circle", coordinates: { latitude: 1, longitude: 2, radius: 3 } },
          },
        ],
        [
          "dev",
          "registration-ends",
          { registrationId: "reg-gone", terminationReason: "REGISTRATION_EXPIRED" },
        ],
      ],
    );
    assert.equal((await t.store.subscriptions.get("dev"))?.status, "ACTIVE");
  });

  it("delivers a session's status to an r3.1 subscription of its device after the session's registration is gone", async () => {
    const t = setUp();
    const device = "7d444840-9dc0-11d1-b245-5ffdce74fad2";
    const at = NOW.toISOString();
    await t.lifecycle.create(
      {
        id: "dev",
        owner: "+34600000001",
        release: "r3.1-rc.1",
        request: {
          protocol: "HTTP",
          sink: "https://sink.example/dev",
          types: [STATUS],
          config: { subscriptionDetail: { deviceId: device } },
        },
        status: "ACTIVE",
        startsAt: at,
        expiresAt: null,
        eventCount: 0,
      },
      "c0",
    );
    // The session as the call service stores it, with its registration's device; the registration
    // itself (reg-gone) is no longer in the store.
    const session = (mediaSessionId: string, deviceId?: string) =>
      t.store.sessions.put({
        mediaSessionId,
        owner: "+34600000001",
        registrationId: "reg-gone",
        ...(deviceId ? { deviceId } : {}),
        direction: "originating",
        info: { mediaSessionId, originatorAddress: "tel:+34600000001", receiverAddress: "tel:+34600000003" },
        createdAt: at,
        updatedAt: at,
      });
    await session("ms-kept", device);
    await session("ms-legacy");
    const changes = createSessionChanges({ store: t.store, events: t.lifecycle, clock: { now: () => NOW } });
    for (const id of ["ms-kept", "ms-legacy"])
      await changes.publish(id, (info) => ({ ...info, status: "Terminated" }), "c1");
    assert.deepEqual(
      t.written.map((n) => [n.subscriptionId, n.event.type.split(".").at(-1), n.event.data]),
      [
        [
          "dev",
          "session-status",
          {
            mediaSessionId: "ms-kept",
            originatorAddress: "tel:+34600000001",
            receiverAddress: "tel:+34600000003",
            status: "Terminated",
            sequenceNumber: 1,
          },
        ],
      ],
      "a session stored before sessions kept their device has nothing to match an r3.1 subscription by",
    );
  });

  it("updates an active subscription's expiry and moves its deadline, and leaves an ended one alone", async () => {
    const t = setUp();
    await t.lifecycle.create(
      t.subscription("u", INVITATION, { expiresAt: "2030-01-02T00:00:00.000Z" }),
      "c1",
    );
    const later = "2030-02-01T00:00:00.000Z";
    const updated = await t.lifecycle.update("u", (r) => ({ ...r, expiresAt: later }) as typeof r);
    assert.equal(updated?.expiresAt, later);
    assert.deepEqual([...t.deadlines.entries()], [["u/expire", Date.parse(later)]]);
    await t.lifecycle.create(t.subscription("x", INVITATION, { status: "EXPIRED" }), "c2");
    assert.equal(await t.lifecycle.update("x", (r) => ({ ...r, expiresAt: later }) as typeof r), undefined);
    assert.equal((await t.store.subscriptions.get("x"))?.expiresAt, null);
  });
});
