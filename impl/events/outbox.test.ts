import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { type NewOutboxRow, openOutbox } from "./outbox.ts";

const dir = mkdtempSync(join(tmpdir(), "outbox-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const row = (i: number, over: Partial<NewOutboxRow> = {}): NewOutboxRow => ({
  eventId: `evt-${i}`,
  subscriptionId: "sub-1",
  sink: "https://127.0.0.1:9443/a",
  authorization: null,
  correlator: `c-${i}`,
  body: `{"id":"evt-${i}"}`,
  status: "pending",
  createdAt: 1000 + i,
  ...over,
});

describe("the event outbox", () => {
  it("keeps pending rows across a close and reopen, in order, with their ids, bodies and retry state", async () => {
    const file = join(dir, "a.db");
    const first = openOutbox(file);
    const rows = await first.append([row(1), row(2), row(3, { status: "held", sink: "https://x.example/" })]);
    void first.retryLater(rows[0]?.seq ?? 0, 2, 5000, "HTTP 503");
    void first.delivered(rows[1]?.seq ?? 0);
    first.close();
    const second = openOutbox(file);
    assert.deepEqual(
      second.pending().map((r) => [r.eventId, r.body, r.attempts, r.nextAttemptAt]),
      [["evt-1", '{"id":"evt-1"}', 2, 5000]],
    );
    assert.deepEqual(second.heldSinks(), ["https://x.example/"]);
    assert.deepEqual(second.counts(), { pending: 1, held: 1 });
    second.close();
  });

  it("refuses a second row with the same CloudEvent id", async () => {
    const outbox = openOutbox(join(dir, "b.db"));
    await outbox.append([row(1)]);
    await assert.rejects(outbox.append([row(2), row(1)]), /UNIQUE/);
    assert.deepEqual(
      outbox.pending().map((r) => r.eventId),
      ["evt-1"],
      "the failed batch left nothing behind",
    );
    outbox.close();
  });

  it("releases held rows of a sink that became deliverable, and drops a subscription's undelivered rows", async () => {
    const outbox = openOutbox(join(dir, "c.db"));
    await outbox.append([row(1, { status: "held" }), row(2, { subscriptionId: "sub-2" })]);
    assert.deepEqual(
      outbox.release("https://127.0.0.1:9443/a").map((r) => r.eventId),
      ["evt-1"],
    );
    assert.equal(await outbox.dropSubscription("sub-2", "gone"), 1);
    assert.deepEqual(outbox.counts(), { pending: 1, dropped: 1 });
    outbox.close();
  });

  it("prunes: held rows past the maximum age expire, undeliverable rows go once older than the retention", async () => {
    let now = 1_000_000;
    const outbox = openOutbox(join(dir, "e.db"), { now: () => now });
    const MAX_AGE = 10_000;
    const RETENTION = 60_000;
    const rows = await outbox.append([
      row(1, { createdAt: 0 }), // pending, however old: the lanes deliver or expire it
      row(2, { status: "held", createdAt: now - MAX_AGE - 1 }),
      row(3, { status: "held", createdAt: now - 1 }),
      row(4, { createdAt: 0 }),
      row(5, { createdAt: 0 }),
      row(6, { createdAt: 0, subscriptionId: "sub-gone" }),
    ]);
    const seq = (i: number) => rows[i - 1]?.seq ?? 0;
    now -= RETENTION + 1;
    await outbox.settle(seq(4), "failed", "HTTP 400");
    await outbox.dropSubscription("sub-gone", "the sink answered 410 Gone");
    now += RETENTION + 1;
    await outbox.settle(seq(5), "expired", "not accepted in time");
    const ids = () =>
      (["pending", "held", "failed", "expired", "dropped"] as const).map((status) => [
        status,
        outbox.list(status).map((r) => r.eventId),
      ]);

    assert.deepEqual(await outbox.prune({ maxAgeMs: MAX_AGE, retentionMs: RETENTION }), {
      expired: 1,
      removed: 2,
    });
    assert.deepEqual(ids(), [
      ["pending", ["evt-1"]],
      ["held", ["evt-3"]],
      ["failed", []],
      ["expired", ["evt-2", "evt-5"]],
      ["dropped", []],
    ]);
    now += RETENTION;
    // evt-3 is now past the maximum age too; evt-2 and evt-5 have been expired for the retention.
    assert.deepEqual(await outbox.prune({ maxAgeMs: MAX_AGE, retentionMs: RETENTION }), {
      expired: 1,
      removed: 2,
    });
    assert.deepEqual(outbox.counts(), { pending: 1, expired: 1 });
    outbox.close();
  });

  it("adds settled_at to an outbox created before it, counting old settled rows from their creation", async () => {
    const file = join(dir, "f.db");
    const db = new Database(file);
    db.exec(`CREATE TABLE event_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, subscription_id TEXT NOT NULL,
      sink TEXT NOT NULL, authorization TEXT, correlator TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,
      last_error TEXT)`);
    const insert = db.prepare(
      "INSERT INTO event_outbox (event_id, subscription_id, sink, correlator, body, status, created_at) VALUES (?, 's', 'https://x/', 'c', '{}', ?, ?)",
    );
    insert.run("old-failed", "failed", 1000);
    insert.run("new-dropped", "dropped", 99_000);
    db.close();
    const outbox = openOutbox(file, { now: () => 100_000 });
    assert.deepEqual(await outbox.prune({ maxAgeMs: 1000, retentionMs: 50_000 }), { expired: 0, removed: 1 });
    assert.deepEqual(outbox.counts(), { dropped: 1 });
    outbox.close();
  });
});
