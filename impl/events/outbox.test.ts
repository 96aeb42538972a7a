import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
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

  it("returns due deadlines only, and forgets them when cleared", async () => {
    const outbox = openOutbox(join(dir, "d.db"));
    await outbox.setDeadline("sub-1", "expire", 100);
    await outbox.setDeadline("sub-1", "token", 300);
    await outbox.setDeadline("sub-2", "purge", 200);
    assert.deepEqual(outbox.dueDeadlines(250), [
      { subscriptionId: "sub-1", kind: "expire" },
      { subscriptionId: "sub-2", kind: "purge" },
    ]);
    await outbox.clearDeadlines("sub-1");
    assert.deepEqual(outbox.dueDeadlines(1000), [{ subscriptionId: "sub-2", kind: "purge" }]);
    outbox.close();
  });
});
