import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createSqliteStore } from "../store/index.ts";
import { openRelayStore } from "./relay-store.ts";

const dir = mkdtempSync(join(tmpdir(), "relay-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Open file descriptors of this process on `file` (Linux /proc). */
function handlesOn(file: string): number {
  return readdirSync("/proc/self/fd").filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

describe("relay store", () => {
  it("on the gateway's connection opens no other connection to the file, and leaves it open when closed", async () => {
    const file = join(dir, "shared.db");
    // No checkpointing thread: it would open the file on its own schedule.
    const store = createSqliteStore({ file, checkpointIntervalMs: 0 });
    const before = handlesOn(file);
    assert.ok(before >= 1);
    const relay = openRelayStore(store.database, 2);
    const channel = relay.createChannel("+34600000001", 60_000, Date.now());
    for (const body of ["a", "b", "c"]) relay.append(channel.id, body);
    assert.equal(handlesOn(file), before);
    assert.deepEqual(
      store.database.db.prepare("SELECT cursor, body FROM relay_events ORDER BY cursor").all(),
      [
        { cursor: 2, body: "b" },
        { cursor: 3, body: "c" },
      ],
      "written on that connection, the replay limit applied",
    );
    relay.close();
    assert.equal(store.database.db.open, true);
    await store.close();
  });

  it("on a file of its own keeps channels and notifications across a reopen, and closes its connection", () => {
    const file = join(dir, "own.db");
    const first = openRelayStore(file, 10);
    const channel = first.createChannel("+34600000001", 60_000, 1_000);
    first.append(channel.id, "x");
    first.close();
    assert.equal(handlesOn(file), 0);
    const second = openRelayStore(file, 10);
    assert.deepEqual(second.getChannel(channel.id), channel);
    assert.deepEqual(second.since(channel.id, 0), [{ cursor: 1, body: "x" }]);
    second.close();
  });
});
