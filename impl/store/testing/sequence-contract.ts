/**
 * The contract of `Store.sessions.putIfSequence`, the compare-and-set that keeps one sequenceNumber
 * per session change across gateway nodes (part of store-contract.ts, run by every backend).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import type { SessionRecord } from "../records.ts";
import type { Store } from "../store.ts";

/** What the suite needs of store-contract.ts's Backend (not imported: that file runs this one). */
interface Backend {
  fresh(): Promise<Store>;
  same(store: Store): Promise<Store>;
  readonly sharedByNodes: boolean;
}

/** Session `id` with `sequenceNumber` n (undefined: none) and a `reason` telling the writes apart. */
function numbered(id: string, n: number | undefined, reason = `write ${n}`): SessionRecord {
  return {
    mediaSessionId: id,
    owner: "+34600000001",
    registrationId: "reg-1",
    direction: "originating",
    info: {
      status: "Connected",
      originatorAddress: "tel:+34600000001",
      reason,
      ...(n === undefined ? {} : { sequenceNumber: n }),
    },
    createdAt: "2029-01-01T00:00:00.000Z",
    updatedAt: "2029-01-01T00:00:00.000Z",
  };
}

async function withStore(backend: Backend, use: (store: Store) => Promise<void>): Promise<void> {
  const store = await backend.fresh();
  try {
    await use(store);
  } finally {
    await store.close();
  }
}

export function sequenceContract(backend: Backend): void {
  it("putIfSequence with null writes the first record of a session, and refuses once one is stored", () =>
    withStore(backend, async (store) => {
      assert.equal(await store.sessions.putIfSequence(numbered("ms-1", 1), null), true);
      assert.deepEqual(await store.sessions.get("ms-1"), numbered("ms-1", 1));
      assert.equal(await store.sessions.putIfSequence(numbered("ms-1", 1, "again"), null), false);
      assert.deepEqual(await store.sessions.get("ms-1"), numbered("ms-1", 1), "the stored record stays");
    }));

  it("putIfSequence writes when the stored sequenceNumber is the expected one, an absent one counting as 0", () =>
    withStore(backend, async (store) => {
      await store.sessions.put(numbered("ms-1", undefined));
      assert.equal(await store.sessions.putIfSequence(numbered("ms-1", 1), 0), true);
      assert.equal(await store.sessions.putIfSequence(numbered("ms-1", 2), 1), true);
      assert.deepEqual(await store.sessions.get("ms-1"), numbered("ms-1", 2));
      assert.deepEqual(
        (await store.sessions.listByRegistration("reg-1")).map((s) => s.info.sequenceNumber),
        [2],
      );
    }));

  it("putIfSequence is refused when another write bumped the sequenceNumber, and leaves that write", () =>
    withStore(backend, async (store) => {
      await store.sessions.put(numbered("ms-1", 1));
      await store.sessions.put(numbered("ms-1", 2, "the other writer"));
      assert.equal(await store.sessions.putIfSequence(numbered("ms-1", 2, "stale"), 1), false);
      assert.deepEqual(await store.sessions.get("ms-1"), numbered("ms-1", 2, "the other writer"));
      // The same number with the right expectation goes through.
      assert.equal(await store.sessions.putIfSequence(numbered("ms-1", 3), 2), true);
      assert.equal((await store.sessions.get("ms-1"))?.info.sequenceNumber, 3);
    }));

  it("putIfSequence of a removed session is refused and does not bring it back", () =>
    withStore(backend, async (store) => {
      await store.sessions.put(numbered("ms-1", 1));
      assert.equal(await store.sessions.delete("ms-1"), true);
      assert.equal(await store.sessions.putIfSequence(numbered("ms-1", 2), 1), false);
      assert.equal(await store.sessions.get("ms-1"), undefined);
    }));

  it("putIfSequence checks inside the write order: of two made in one turn on one number, one wins", () =>
    withStore(backend, async (store) => {
      await store.sessions.put(numbered("ms-1", 1));
      const results = await Promise.all([
        store.sessions.putIfSequence(numbered("ms-1", 2, "first"), 1),
        store.sessions.putIfSequence(numbered("ms-1", 2, "second"), 1),
        store.sessions.put(numbered("ms-9", 1)),
      ]);
      assert.deepEqual(results, [true, false, undefined]);
      assert.deepEqual(await store.sessions.get("ms-1"), numbered("ms-1", 2, "first"));
      assert.deepEqual(await store.sessions.get("ms-9"), numbered("ms-9", 1), "its batch-mate committed");
    }));

  if (!backend.sharedByNodes) return;
  it("putIfSequence from several stores on one database (nodes) on one number: exactly one is written", async () => {
    const nodes = [await backend.fresh()];
    for (let i = 1; i < 4; i++) nodes.push(await backend.same(nodes[0] as Store));
    try {
      await (nodes[0] as Store).sessions.put(numbered("ms-1", 0));
      for (let round = 1; round <= 20; round++) {
        const results = await Promise.all(
          nodes.map((node, n) =>
            node.sessions.putIfSequence(numbered("ms-1", round, `node ${n}`), round - 1),
          ),
        );
        assert.equal(results.filter(Boolean).length, 1, `round ${round}: ${JSON.stringify(results)}`);
        const winner = results.indexOf(true);
        for (const node of nodes) {
          assert.deepEqual(await node.sessions.get("ms-1"), numbered("ms-1", round, `node ${winner}`));
        }
      }
      const inserts = await Promise.all(
        nodes.map((node, n) => node.sessions.putIfSequence(numbered("ms-2", 1, `node ${n}`), null)),
      );
      assert.equal(inserts.filter(Boolean).length, 1, `inserts: ${JSON.stringify(inserts)}`);
    } finally {
      for (const node of nodes) await node.close();
    }
  });
}
