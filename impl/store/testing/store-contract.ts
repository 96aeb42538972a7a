/**
 * The {@link Store} contract, as one suite every backend runs (sqlite-store-contract.test.ts in the
 * unit tier, postgres-store.int.test.ts in the store tier), so that the backends are proven to keep
 * the same promises: acknowledged only once durable, reads of committed state, writes in call order,
 * a failed write leaving no trace, the same finders.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DialogRecord, RegistrationRecord, SessionRecord, SubscriptionRecord } from "../records.ts";
import type { Store } from "../store.ts";
import { sequenceContract } from "./sequence-contract.ts";

export interface StoreBackend {
  /** A store on a new, empty database. */
  fresh(): Promise<Store>;
  /** Another store on the database of `store` (a reopen after close, or a second gateway node). */
  same(store: Store): Promise<Store>;
  /** Makes the database refuse to store a registration whose deviceId is `poison` (a trigger). */
  poison(store: Store): Promise<void>;
  /**
   * Whether stores open at once on one database see each other's committed writes (several gateway
   * nodes). SQLite's store is one process per file: its cache of committed rows is per store.
   */
  readonly sharedByNodes: boolean;
}

export const OWNER = "+34600000001";
const OTHER = "+34600000002";

export function registration(id: string, changes: Partial<RegistrationRecord> = {}): RegistrationRecord {
  return {
    registrationId: id,
    owner: OWNER,
    deviceId: `device-${id}`,
    expiresAt: "2030-01-01T00:00:00.000Z",
    createdAt: "2029-01-01T00:00:00.000Z",
    updatedAt: "2029-01-01T00:00:00.000Z",
    ...changes,
  };
}

export function session(id: string, registrationId: string, clientCorrelator?: string): SessionRecord {
  return {
    mediaSessionId: id,
    owner: OWNER,
    registrationId,
    direction: "originating",
    info: {
      status: "Initial",
      originatorAddress: `tel:${OWNER}`,
      ...(clientCorrelator === undefined ? {} : { clientCorrelator }),
    },
    createdAt: "2029-01-01T00:00:00.000Z",
    updatedAt: "2029-01-01T00:00:00.000Z",
  };
}

export function subscription(id: string, registrationId: string, owner = OWNER): SubscriptionRecord {
  return {
    id,
    owner,
    request: {
      protocol: "HTTP",
      sink: "https://127.0.0.1:9443/sink",
      types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
      config: { subscriptionDetail: { registrationId } },
    },
    status: "ACTIVE",
    startsAt: "2029-01-01T00:00:00.000Z",
    expiresAt: null,
    eventCount: 0,
  };
}

export function dialog(id: string, localSequenceNumber = 1): DialogRecord {
  return {
    mediaSessionId: id,
    callId: `call-${id}@127.0.0.1`,
    state: { version: 1, dialog: { localTag: "a\u0000b", localSequenceNumber, routeSet: ["<sip:p;lr>"] } },
    updatedAt: "2029-01-01T00:00:00.000Z",
  };
}

/** Runs `use` on a fresh store and closes it whatever happens. */
async function withStore(backend: StoreBackend, use: (store: Store) => Promise<void>): Promise<void> {
  const store = await backend.fresh();
  try {
    await use(store);
  } finally {
    await store.close();
  }
}

export function storeContract(name: string, backend: StoreBackend): void {
  describe(`Store contract: ${name}`, () => {
    writesAndReads(backend);
    findersAndValues(backend);
    sequenceContract(backend);
    if (backend.sharedByNodes) sharedByNodes(backend);
  });
}

/** Acknowledged writes, their order, a failed write, reads during a write. */
function writesAndReads(backend: StoreBackend): void {
  it("reads back every kind of record once its write resolved, and keeps it across a reopen", async () => {
    const first = await backend.fresh();
    await first.registrations.put(registration("reg-1"));
    await first.sessions.put(session("ms-1", "reg-1", "cc-1"));
    await first.subscriptions.put(subscription("sub-1", "reg-1"));
    assert.deepEqual(await first.registrations.get("reg-1"), registration("reg-1"));
    assert.deepEqual(await first.sessions.get("ms-1"), session("ms-1", "reg-1", "cc-1"));
    assert.deepEqual(await first.subscriptions.get("sub-1"), subscription("sub-1", "reg-1"));
    await first.close();
    const second = await backend.same(first);
    assert.deepEqual(await second.registrations.get("reg-1"), registration("reg-1"));
    assert.deepEqual(await second.sessions.get("ms-1"), session("ms-1", "reg-1", "cc-1"));
    assert.deepEqual(await second.subscriptions.get("sub-1"), subscription("sub-1", "reg-1"));
    await second.close();
  });

  it("replaces on put, and delete reports whether it removed a record", () =>
    withStore(backend, async (store) => {
      await store.registrations.put(registration("reg-1"));
      await store.registrations.put(registration("reg-1", { expiresAt: "2031-01-01T00:00:00.000Z" }));
      assert.equal((await store.registrations.get("reg-1"))?.expiresAt, "2031-01-01T00:00:00.000Z");
      assert.equal(await store.registrations.delete("reg-1"), true);
      assert.equal(await store.registrations.delete("reg-1"), false);
      assert.equal(await store.registrations.get("reg-1"), undefined);
      assert.equal(await store.sessions.get("nothing"), undefined);
      assert.equal(await store.ping(), true);
    }));

  it("applies writes in call order, those of one turn included", () =>
    withStore(backend, async (store) => {
      const writes = [
        store.registrations.put(registration("reg-1", { expiresAt: "2031-01-01T00:00:00.000Z" })),
        store.registrations.put(registration("reg-1", { expiresAt: "2032-01-01T00:00:00.000Z" })),
        store.registrations.delete("reg-1"),
        store.registrations.put(registration("reg-1", { expiresAt: "2033-01-01T00:00:00.000Z" })),
        store.registrations.put(registration("reg-2")),
        store.registrations.delete("reg-2"),
      ];
      const results = await Promise.all(writes);
      assert.deepEqual(results, [undefined, undefined, true, undefined, undefined, true]);
      assert.equal((await store.registrations.get("reg-1"))?.expiresAt, "2033-01-01T00:00:00.000Z");
      assert.equal(await store.registrations.get("reg-2"), undefined);
      const ids = ["s-3", "s-1", "s-2"];
      await Promise.all(ids.map((id) => store.subscriptions.put(subscription(id, "reg-1"))));
      assert.deepEqual(
        (await store.subscriptions.listByOwner(OWNER)).map((s) => s.id),
        ids,
        "the finders list in the order of the writes",
      );
      await store.subscriptions.put(subscription("s-3", "reg-1"));
      assert.deepEqual(
        (await store.subscriptions.listByOwner(OWNER)).map((s) => s.id),
        ["s-1", "s-2", "s-3"],
        "a replaced record moves to the end",
      );
    }));

  it("a failed write rejects alone, leaves no trace, and its batch-mates commit", () =>
    withStore(backend, async (store) => {
      await store.registrations.put(registration("reg-1"));
      await backend.poison(store);
      const [before, failing, replacing, after] = await Promise.allSettled([
        store.registrations.put(registration("reg-0")),
        store.registrations.put(registration("reg-p", { deviceId: "poison" })),
        store.registrations.put(registration("reg-1", { deviceId: "poison" })),
        store.registrations.put(registration("reg-2")),
      ]);
      assert.equal(before.status, "fulfilled");
      assert.equal(failing.status, "rejected");
      assert.match(String((failing as PromiseRejectedResult).reason), /poison/);
      assert.equal(replacing.status, "rejected");
      assert.equal(after.status, "fulfilled");
      assert.equal(await store.registrations.get("reg-p"), undefined);
      assert.deepEqual(await store.registrations.get("reg-1"), registration("reg-1"), "the old record stays");
      assert.deepEqual(await store.registrations.findByDevice(OWNER, "poison"), undefined);
      assert.deepEqual(await store.registrations.get("reg-0"), registration("reg-0"));
      assert.deepEqual(await store.registrations.get("reg-2"), registration("reg-2"));
    }));

  it("a read while a write is in flight returns the committed record before or after it, never another", () =>
    withStore(backend, async (store) => {
      await store.registrations.put(registration("reg-1"));
      const changed = registration("reg-1", { expiresAt: "2031-01-01T00:00:00.000Z" });
      const put = store.registrations.put(changed);
      const during = await store.registrations.get("reg-1");
      assert.ok([registration("reg-1"), changed].some((r) => JSON.stringify(r) === JSON.stringify(during)));
      await put;
      assert.deepEqual(await store.registrations.get("reg-1"), changed);
    }));
}

/** The finders, and values a text column must keep as they are. */
function findersAndValues(backend: StoreBackend): void {
  it("finds by device, client correlator, registration and owner, only for the right owner", () =>
    withStore(backend, async (store) => {
      await store.registrations.put(registration("reg-1", { deviceId: "dev-a" }));
      await store.registrations.put(registration("reg-2", { deviceId: "dev-a", owner: OTHER }));
      await store.sessions.put(session("ms-1", "reg-1", "cc-1"));
      await store.sessions.put(session("ms-2", "reg-1"));
      await store.sessions.put(session("ms-3", "reg-3", "cc-1"));
      await store.subscriptions.put(subscription("sub-1", "reg-1"));
      await store.subscriptions.put(subscription("sub-2", "reg-2", OTHER));
      const { registrations, sessions, subscriptions } = store;
      assert.equal((await registrations.findByDevice(OWNER, "dev-a"))?.registrationId, "reg-1");
      assert.equal((await registrations.findByDevice(OTHER, "dev-a"))?.registrationId, "reg-2");
      assert.equal(await registrations.findByDevice("+34600000003", "dev-a"), undefined);
      assert.equal((await sessions.findByClientCorrelator(OWNER, "cc-1"))?.mediaSessionId, "ms-1");
      assert.equal(await sessions.findByClientCorrelator(OTHER, "cc-1"), undefined);
      const listed = await sessions.listByRegistration("reg-1");
      assert.deepEqual(
        listed.map((s) => s.mediaSessionId),
        ["ms-1", "ms-2"],
      );
      assert.deepEqual(await sessions.listByRegistration("reg-9"), []);
      assert.deepEqual(
        (await subscriptions.listByOwner(OWNER)).map((s) => s.id),
        ["sub-1"],
      );
      assert.deepEqual(
        (await subscriptions.listByRegistration("reg-2")).map((s) => s.id),
        ["sub-2"],
      );
      assert.deepEqual(await subscriptions.listByOwner("+34600000003"), []);
    }));

  it("lists the registrations expired by a time, that time included", () =>
    withStore(backend, async (store) => {
      await store.registrations.put(registration("reg-1", { expiresAt: "2030-01-01T00:00:00.000Z" }));
      await store.registrations.put(registration("reg-2", { expiresAt: "2030-06-01T00:00:00.000Z" }));
      await store.registrations.put(registration("reg-3", { expiresAt: "2031-01-01T00:00:00.000Z" }));
      const expired = await store.registrations.listExpiredBy("2030-06-01T00:00:00.000Z");
      assert.deepEqual(
        expired.map((r) => r.registrationId),
        ["reg-1", "reg-2"],
      );
      assert.deepEqual(await store.registrations.listExpiredBy("2029-12-31T23:59:59.999Z"), []);
    }));

  it("lists the registrations still active after a time (restart), that time excluded", () =>
    withStore(backend, async (store) => {
      await store.registrations.put(registration("reg-1", { expiresAt: "2030-01-01T00:00:00.000Z" }));
      await store.registrations.put(registration("reg-2", { expiresAt: "2030-06-01T00:00:00.000Z" }));
      await store.registrations.put(registration("reg-3", { expiresAt: "2031-01-01T00:00:00.000Z" }));
      const active = await store.registrations.listActiveAt("2030-06-01T00:00:00.000Z");
      assert.deepEqual(
        active.map((r) => r.registrationId),
        ["reg-3"],
      );
    }));

  it("lists the sessions whose status is not one of the given terminal ones (restart)", () =>
    withStore(backend, async (store) => {
      const withStatus = (id: string, status: string): SessionRecord => {
        const s = session(id, "reg-1");
        return { ...s, info: { ...s.info, status } as SessionRecord["info"] };
      };
      await store.sessions.put(session("s-initial", "reg-1"));
      await store.sessions.put(withStatus("s-connected", "Connected"));
      await store.sessions.put(withStatus("s-terminated", "Terminated"));
      await store.sessions.put(withStatus("s-cancelled", "SessionCancelled"));
      const unfinished = await store.sessions.listUnfinished(["Terminated", "SessionCancelled"]);
      assert.deepEqual(unfinished.map((r) => r.mediaSessionId).sort(), ["s-connected", "s-initial"]);
    }));

  it("keeps the engine's dialog records across a reopen: put replaces, delete removes, list returns them all", async () => {
    const first = await backend.fresh();
    await first.dialogs.put(dialog("ms-1"));
    await first.dialogs.put(dialog("ms-2"));
    await first.dialogs.put(dialog("ms-1", 7));
    assert.equal(await first.dialogs.delete("ms-2"), true);
    await first.dialogs.put(dialog("ms-3"));
    await first.close();
    const second = await backend.same(first);
    try {
      assert.deepEqual(await second.dialogs.get("ms-1"), dialog("ms-1", 7));
      assert.equal(await second.dialogs.get("ms-2"), undefined);
      assert.deepEqual((await second.dialogs.list()).map((r) => r.mediaSessionId).sort(), ["ms-1", "ms-3"]);
      assert.equal(await second.dialogs.delete("ms-2"), false);
    } finally {
      await second.close();
    }
  });

  it("finds a dialog record by its SIP Call-ID, the latest written when two share one, and nothing after its delete", () =>
    withStore(backend, async (store) => {
      await store.dialogs.put(dialog("ms-1"));
      await store.dialogs.put(dialog("ms-2"));
      await store.dialogs.put({ ...dialog("ms-3"), callId: "call-ms-2@127.0.0.1" });
      assert.deepEqual(await store.dialogs.findByCallId("call-ms-1@127.0.0.1"), dialog("ms-1"));
      assert.equal((await store.dialogs.findByCallId("call-ms-2@127.0.0.1"))?.mediaSessionId, "ms-3");
      assert.equal(await store.dialogs.findByCallId("call-ms-9@127.0.0.1"), undefined);
      await store.dialogs.delete("ms-1");
      assert.equal(await store.dialogs.findByCallId("call-ms-1@127.0.0.1"), undefined);
    }));

  it("stores and finds any string: NUL, backslashes, quotes and non-BMP characters", () =>
    withStore(backend, async (store) => {
      const odd = ["a\u0000b", "a\\0b", "a\\\\0b", 'it\'s "quoted"', "😀 ñ", "\\"];
      for (const [i, text] of odd.entries()) {
        await store.registrations.put(registration(text, { deviceId: text }));
        await store.sessions.put(session(`ms-${i}`, "reg-1", text));
      }
      for (const [i, text] of odd.entries()) {
        assert.deepEqual(await store.registrations.get(text), registration(text, { deviceId: text }));
        assert.equal((await store.registrations.findByDevice(OWNER, text))?.registrationId, text);
        assert.equal((await store.sessions.findByClientCorrelator(OWNER, text))?.mediaSessionId, `ms-${i}`);
      }
      assert.equal(await store.registrations.get("a"), undefined);
      assert.equal(await store.registrations.delete("a\u0000b"), true);
      assert.equal(await store.registrations.get("a\u0000b"), undefined);
      assert.deepEqual(await store.registrations.get("a\\0b"), registration("a\\0b", { deviceId: "a\\0b" }));
    }));

  it("a record changed by the caller that read it does not change what the next read returns", () =>
    withStore(backend, async (store) => {
      await store.registrations.put(registration("reg-1"));
      const read = await store.registrations.get("reg-1");
      assert.ok(read);
      (read as { expiresAt: string }).expiresAt = "1999-01-01T00:00:00.000Z";
      assert.deepEqual(await store.registrations.get("reg-1"), registration("reg-1"));
    }));
}

/** Two stores on one database, as two gateway nodes: each reads what the other committed. */
function sharedByNodes(backend: StoreBackend): void {
  it("stores on one database (several nodes) read each other's committed writes, finders included", async () => {
    const a = await backend.fresh();
    const b = await backend.same(a);
    try {
      await a.registrations.put(registration("reg-1"));
      assert.deepEqual(await b.registrations.get("reg-1"), registration("reg-1"));
      // b reads it, then a replaces it: b must not serve what it read before.
      await a.registrations.put(registration("reg-1", { expiresAt: "2031-01-01T00:00:00.000Z" }));
      assert.equal((await b.registrations.get("reg-1"))?.expiresAt, "2031-01-01T00:00:00.000Z");
      await b.sessions.put(session("ms-1", "reg-1", "cc-1"));
      assert.equal((await a.sessions.findByClientCorrelator(OWNER, "cc-1"))?.mediaSessionId, "ms-1");
      assert.equal(await b.registrations.delete("reg-1"), true);
      assert.equal(await a.registrations.get("reg-1"), undefined);
      assert.equal(await a.registrations.delete("reg-1"), false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("concurrent writes from several stores all commit, and the last committed one wins", async () => {
    const nodes = [await backend.fresh()];
    for (let i = 1; i < 4; i++) nodes.push(await backend.same(nodes[0] as Store));
    try {
      await Promise.all(
        nodes.flatMap((node, n) =>
          Array.from({ length: 50 }, async (_, i) => {
            await node.registrations.put(registration(`reg-${n}-${i}`));
            await node.registrations.put(registration("shared", { deviceId: `node-${n}-${i}` }));
          }),
        ),
      );
      for (const node of nodes) {
        const all = await node.registrations.listExpiredBy("2030-01-01T00:00:00.000Z");
        assert.equal(all.length, 4 * 50 + 1);
      }
      const shared = await (nodes[0] as Store).registrations.get("shared");
      assert.match(shared?.deviceId ?? "", /^node-\d-\d+$/);
      for (const node of nodes) assert.deepEqual(await node.registrations.get("shared"), shared);
    } finally {
      for (const node of nodes) await node.close();
    }
  });
}
