import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openSubscriptionDeadlines } from "./subscription-deadlines.ts";

const dir = mkdtempSync(join(tmpdir(), "deadlines-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("subscription deadlines", () => {
  it("returns due deadlines only, and forgets them when cleared", async () => {
    const deadlines = openSubscriptionDeadlines(join(dir, "d.db"));
    await deadlines.setDeadline("sub-1", "expire", 100);
    await deadlines.setDeadline("sub-1", "token", 300);
    await deadlines.setDeadline("sub-2", "purge", 200);
    assert.deepEqual(deadlines.dueDeadlines(250), [
      { subscriptionId: "sub-1", kind: "expire" },
      { subscriptionId: "sub-2", kind: "purge" },
    ]);
    await deadlines.clearDeadlines("sub-1");
    assert.deepEqual(deadlines.dueDeadlines(1000), [{ subscriptionId: "sub-2", kind: "purge" }]);
    deadlines.close();
  });

  it("keeps deadlines across a close and reopen, and clears one kind alone", async () => {
    const file = join(dir, "e.db");
    const first = openSubscriptionDeadlines(file);
    await first.setDeadline("sub-1", "expire", 100);
    await first.setDeadline("sub-1", "token", 100);
    first.close();
    const second = openSubscriptionDeadlines(file);
    await second.clearDeadlines("sub-1", "token");
    assert.deepEqual(second.dueDeadlines(100), [{ subscriptionId: "sub-1", kind: "expire" }]);
    second.close();
  });
});
