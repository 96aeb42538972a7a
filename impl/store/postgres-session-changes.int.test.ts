/**
 * Two gateway nodes' session changes on one PostgreSQL database (two stores, as two processes have):
 * changes to one session made at once on both are each announced with their own sequenceNumber,
 * the numbers following one another with no gap and no repeat (issue 16: "events delivered at least
 * once and in order per sink").
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ApiError } from "camara-webrtc-runtime";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import type { PublishedEvent } from "../services/event-publisher.ts";
import { createSessionChanges } from "../services/session-changes.ts";
import { openPostgresStore, type PostgresStore } from "./postgres-store.ts";
import type { SessionRecord } from "./records.ts";

let lab: PostgresLab;
before(async () => {
  lab = await startPostgres();
});
after(async () => {
  await lab?.close();
});

const clock = { now: () => new Date("2030-01-01T00:00:00.000Z") };
const CHANGES_PER_NODE = 25;

const session: SessionRecord = {
  mediaSessionId: "ms-1",
  owner: "+34600000001",
  registrationId: "reg-1",
  direction: "originating",
  info: { status: "Connected", originatorAddress: "tel:+34600000001", sequenceNumber: 1 },
  createdAt: "2029-01-01T00:00:00.000Z",
  updatedAt: "2029-01-01T00:00:00.000Z",
};

describe("session changes on several nodes sharing PostgreSQL", () => {
  it("changes made at once on two nodes announce sequenceNumbers 2..N+1, each once, each node's in order", async (t) => {
    const url = await lab.createDatabase(`session_changes_${process.pid}`);
    const stores: PostgresStore[] = [];
    try {
      for (let i = 0; i < 2; i++) stores.push(await openPostgresStore({ url, poolSize: 4, timeoutMs: 5000 }));
      await stores[0]?.sessions.put(session);
      let applied = 0;
      const nodes = stores.map((store) => {
        const published: PublishedEvent[] = [];
        const events = { publish: async (event: PublishedEvent) => void published.push(event) };
        return { published, changes: createSessionChanges({ store, events, clock }) };
      });
      const results = await Promise.allSettled(
        nodes.flatMap((node, n) =>
          Array.from({ length: CHANGES_PER_NODE }, (_, i) =>
            node.changes.publish(
              "ms-1",
              (info) => {
                applied++;
                return { ...info, status: i % 2 ? "Resume" : "Hold", reason: `node ${n}, change ${i}` };
              },
              `node-${n}-${i}`,
            ),
          ),
        ),
      );
      const numbers = (published: PublishedEvent[]) =>
        published.map((e) =>
          e.type === "org.camaraproject.webrtc-events.v0.session-status" ? e.data.sequenceNumber : -1,
        );
      const written = results.filter((r) => r.status === "fulfilled").length;
      for (const r of results) {
        if (r.status === "rejected") assert.equal((r.reason as ApiError).code, "ABORTED", String(r.reason));
      }
      const all = nodes.flatMap((node) => numbers(node.published));
      assert.deepEqual(
        [...all].sort((a, b) => (a ?? 0) - (b ?? 0)),
        Array.from({ length: written }, (_, i) => i + 2),
        "every number once, none missing",
      );
      for (const node of nodes) {
        const own = numbers(node.published);
        assert.deepEqual(
          own,
          [...own].sort((a, b) => (a ?? 0) - (b ?? 0)),
          "each node announces in order",
        );
      }
      for (const store of stores)
        assert.equal((await store.sessions.get("ms-1"))?.info.sequenceNumber, written + 1);
      t.diagnostic(
        `${written} changes written, ${results.length - written} aborted, ${applied - written} applications of a change beyond one (lost races)`,
      );
    } finally {
      for (const store of stores) await store.close();
    }
  });
});
