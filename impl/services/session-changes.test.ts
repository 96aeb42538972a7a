import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ApiError } from "camara-webrtc-runtime";
import type { MediaSessionInformation, SessionRecord, Store } from "../store/index.ts";
import { createSqliteStore } from "../store/sqlite-store.ts";
import type { PublishedEvent } from "./event-publisher.ts";
import { ATTEMPTS, createSessionChanges } from "./session-changes.ts";

const dir = mkdtempSync(join(tmpdir(), "session-changes-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const clock = { now: () => new Date("2030-01-01T00:00:00.000Z") };

function connected(sequenceNumber: number, reason = "Connected, 200 OK"): SessionRecord {
  return {
    mediaSessionId: "ms-1",
    owner: "+34600000001",
    registrationId: "reg-1",
    direction: "originating",
    info: { status: "Connected", originatorAddress: "tel:+34600000001", reason, sequenceNumber },
    createdAt: "2029-01-01T00:00:00.000Z",
    updatedAt: "2029-01-01T00:00:00.000Z",
  };
}

/**
 * A store on a new file whose session reads are followed, before they return, by `meanwhile` (what
 * another gateway node writes between this node's read and its conditional put).
 */
async function storeWithInterference(meanwhile: (store: Store) => Promise<void>) {
  const store = createSqliteStore({ file: join(dir, `${++files}.db`) });
  after(() => store.close());
  const interfering: Store = {
    ...store,
    sessions: {
      ...store.sessions,
      async get(id) {
        const read = await store.sessions.get(id);
        await meanwhile(store);
        return read;
      },
    },
  };
  const published: PublishedEvent[] = [];
  const events = { publish: async (event: PublishedEvent) => void published.push(event) };
  return { store, changes: createSessionChanges({ store: interfering, events, clock }), published };
}

const sequenceNumbers = (published: readonly PublishedEvent[]) =>
  published.map((e) =>
    e.type === "org.camaraproject.webrtc-events.v0.session-status" ? e.data.sequenceNumber : -1,
  );

const hold = (info: MediaSessionInformation): MediaSessionInformation => ({
  ...info,
  status: "Hold",
  reason: "Status set to Hold by the API client",
});

describe("session changes across gateway nodes", () => {
  it("a change whose read another node's write overtook is applied to that write and announced as N+2, never N+1 twice", async () => {
    let other = true;
    const { store, changes, published } = await storeWithInterference(async (s) => {
      if (!other) return;
      other = false;
      await s.sessions.put(connected(2, "Hold, 200 OK re-INVITE"));
    });
    await store.sessions.put(connected(1));
    const seen: (string | undefined)[] = [];
    const result = await changes.publish(
      "ms-1",
      (info) => {
        seen.push(info.reason);
        return hold(info);
      },
      "corr-1",
    );
    assert.deepEqual(seen, ["Connected, 200 OK", "Hold, 200 OK re-INVITE"], "read again after the lost race");
    assert.equal(result?.info.sequenceNumber, 3);
    assert.deepEqual(await store.sessions.get("ms-1"), result);
    assert.deepEqual(sequenceNumbers(published), [3], "only the written change is announced");
  });

  it(`gives up with 409 ABORTED after ${ATTEMPTS} lost races, announcing nothing and leaving the other writes`, async () => {
    let bumped = 1;
    const { store, changes, published } = await storeWithInterference(async (s) => {
      await s.sessions.put(connected(++bumped, "the other node"));
    });
    await store.sessions.put(connected(1));
    await assert.rejects(changes.publish("ms-1", hold, "corr-1"), (error) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.code, "ABORTED");
      assert.equal(error.status, 409);
      return true;
    });
    assert.equal(bumped, 1 + ATTEMPTS);
    assert.deepEqual(published, []);
    assert.deepEqual(await store.sessions.get("ms-1"), connected(bumped, "the other node"));
  });

  it("a session another node removed while the change was applied resolves undefined and announces nothing", async () => {
    const { store, changes, published } = await storeWithInterference(async (s) => {
      await s.sessions.delete("ms-1");
    });
    await store.sessions.put(connected(1));
    assert.equal(await changes.publish("ms-1", hold, "corr-1"), undefined);
    assert.equal(await store.sessions.get("ms-1"), undefined, "not brought back");
    assert.deepEqual(published, []);
  });

  it("two nodes' session changes on one store, concurrent, announce every number from 2 to N+1 once", async () => {
    const { store } = await storeWithInterference(async () => {});
    await store.sessions.put(connected(1));
    const published: PublishedEvent[] = [];
    const events = { publish: async (event: PublishedEvent) => void published.push(event) };
    const nodes = [0, 1].map(() => createSessionChanges({ store, events, clock }));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        nodes[i % 2]?.publish("ms-1", (info) => ({ ...info, reason: `change ${i}` }), `corr-${i}`),
      ),
    );
    const written = results.filter((r) => r.status === "fulfilled").length;
    const numbers = sequenceNumbers(published);
    assert.deepEqual(
      [...numbers].sort((a, b) => (a ?? 0) - (b ?? 0)),
      Array.from({ length: written }, (_, i) => i + 2),
    );
    assert.equal((await store.sessions.get("ms-1"))?.info.sequenceNumber, written + 1);
    for (const r of results) {
      if (r.status === "rejected") assert.equal((r.reason as ApiError).code, "ABORTED");
    }
  });
});
