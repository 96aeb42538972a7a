/**
 * Session changes of one call made on two nodes at once (two stores on one PostgreSQL, as two
 * processes have) under the cluster's lock: announced in the order of their sequenceNumbers across
 * both nodes, which the compare-and-set alone does not give (issue 16: "events delivered ... in
 * order per sink"); and a lock dies with its node's connection.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import type { PublishedEvent } from "../services/event-publisher.ts";
import { createSessionChanges } from "../services/session-changes.ts";
import { openPostgresStore, type PostgresStore } from "../store/index.ts";
import type { SessionRecord } from "../store/records.ts";
import { openClusterExclusive } from "./cluster-exclusive.ts";

const clock = { now: () => new Date("2030-01-01T00:00:00.000Z") };
const CHANGES_PER_NODE = 20;
const quiet = () => undefined;

const session: SessionRecord = {
  mediaSessionId: "ms-1",
  owner: "+34600000001",
  registrationId: "reg-1",
  direction: "originating",
  info: { status: "Connected", originatorAddress: "tel:+34600000001", sequenceNumber: 1 },
  createdAt: "2029-01-01T00:00:00.000Z",
  updatedAt: "2029-01-01T00:00:00.000Z",
};

describe("the cluster's lock for a session's changes (real PostgreSQL)", () => {
  let lab: PostgresLab;
  const closing: (() => Promise<unknown>)[] = [];
  before(async () => {
    lab = await startPostgres();
  });
  after(async () => {
    for (const close of closing.reverse()) await close();
    await lab?.close();
  });

  it("announces two nodes' changes to one session in sequenceNumber order, none aborted", async () => {
    const url = await lab.createDatabase("exclusive_changes");
    const announced: number[] = [];
    const nodes: { store: PostgresStore; changes: ReturnType<typeof createSessionChanges> }[] = [];
    for (let i = 0; i < 2; i++) {
      const store = await openPostgresStore({ url, poolSize: 4, timeoutMs: 5000 });
      const locks = openClusterExclusive({ url, timeoutMs: 5000, onError: quiet });
      closing.push(() => store.close(), locks.close);
      // One list for both nodes: the order in which the announcements were made, across nodes.
      const events = {
        publish: async (event: PublishedEvent) => {
          if (event.type === "org.camaraproject.webrtc-events.v0.session-status")
            announced.push(event.data.sequenceNumber ?? -1);
        },
      };
      nodes.push({
        store,
        changes: createSessionChanges({ store, events, clock, exclusive: locks.exclusive }),
      });
    }
    await nodes[0]?.store.sessions.put(session);
    const results = await Promise.allSettled(
      nodes.flatMap((node, n) =>
        Array.from({ length: CHANGES_PER_NODE }, (_, i) =>
          node.changes.publish(
            "ms-1",
            (info) => ({ ...info, reason: `node ${n}, change ${i}` }),
            `c-${n}-${i}`,
          ),
        ),
      ),
    );
    assert.deepEqual(
      results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason)),
      [],
    );
    assert.deepEqual(
      announced,
      Array.from({ length: 2 * CHANGES_PER_NODE }, (_, i) => i + 2),
    );
  });

  it("frees a lock when the connection holding it ends (a node that died)", async () => {
    const url = await lab.createDatabase("exclusive_death");
    const a = openClusterExclusive({ url, timeoutMs: 5000, onError: quiet });
    const b = openClusterExclusive({ url, timeoutMs: 5000, onError: quiet });
    closing.push(a.close, b.close);
    let releaseA: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const aRun = a.exclusive("session:x", () => holding).catch(() => "lost");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    closing.push(() => admin.end());
    // Wait until a holds the lock, then let b queue behind it.
    for (let i = 0; ; i++) {
      const { rows } = await admin.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted");
      if (rows.length > 0) break;
      assert.ok(i < 100, "a never took the lock");
      await new Promise((r) => setTimeout(r, 50));
    }
    let bRan = false;
    const bRun = b.exclusive("session:x", async () => {
      bRan = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(bRan, false, "b waits while a holds the lock");
    await admin.query(
      "SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted",
    );
    await bRun;
    assert.equal(bRan, true, "the lock went with a's connection");
    releaseA();
    await aRun;
  });
});
