import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DialogStateStore, PersistedDialog } from "../../dialog-state-store.ts";
import { silentLogger } from "../../engine.ts";
import { legContext, TestLeg } from "../testing/fake-sip.ts";
import { persistDialogs } from "./dialog-persistence.ts";

/** A Connected leg without a dialog yet (its snapshot needs no sip.js session). */
const newLeg = (ctx = legContext()) => {
  const leg = new TestLeg("m-1", "r-1", "call-1", "sip:gw@127.0.0.1:5060;transport=tcp", ctx);
  leg.assumeStatus("Connected");
  return leg;
};
const turn = () => new Promise((r) => setImmediate(r));

function recordingStore(fail = false) {
  const ops: string[] = [];
  const rows = new Map<string, PersistedDialog>();
  const store: DialogStateStore = {
    get: async (id) => rows.get(id),
    put: async (r) => {
      ops.push(`put ${r.mediaSessionId} ${String(r.state.status)}`);
      if (fail) throw new Error("disk full");
      rows.set(r.mediaSessionId, r);
    },
    delete: async (id) => {
      ops.push(`delete ${id}`);
      return rows.delete(id);
    },
    findByCallId: async (callId) => [...rows.values()].find((r) => r.callId === callId),
  };
  return { store, ops, rows };
}

describe("persistDialogs: each call leg's state written while the call lasts (fake store)", () => {
  it("writes the changes of one turn of the event loop as one row, with the state of the end of that turn", async () => {
    const { store, ops, rows } = recordingStore();
    const persistence = persistDialogs(store, silentLogger);
    const leg = newLeg();
    leg.assumeStatus("Ringing");
    persistence.changed(leg);
    leg.assumeStatus("Connected");
    persistence.changed(leg);
    assert.deepEqual(ops, [], "nothing is written during the turn");
    await turn();
    assert.deepEqual(ops, ["put m-1 Connected"]);
    assert.equal(rows.get("m-1")?.callId, "call-1");
    leg.finish("Terminated", "test over", true);
  });

  it("deletes the row of a leg that ended, drops a write still to come, and deletes nothing for a leg never written", async () => {
    const { store, ops } = recordingStore();
    const persistence = persistDialogs(store, silentLogger);
    const leg = newLeg();
    persistence.ended(leg);
    persistence.changed(leg);
    persistence.ended(leg);
    await turn();
    assert.deepEqual(ops, [], "the leg was never written: no write, no delete");
    persistence.changed(leg);
    await turn();
    persistence.ended(leg);
    assert.deepEqual(ops, ["put m-1 Connected", "delete m-1"]);
    leg.finish("Terminated", "test over", true);
  });

  it("logs a failed write and lets the call go on", async () => {
    const { store, ops } = recordingStore(true);
    const ctx = legContext();
    const persistence = persistDialogs(store, silentLogger);
    const leg = newLeg(ctx);
    persistence.changed(leg);
    await turn();
    await turn();
    assert.deepEqual(ops, ["put m-1 Connected"]);
    assert.ok(
      ctx.logs.some((l) => /^warn writing the dialog state failed: Error: disk full/.test(l)),
      ctx.logs.join("\n"),
    );
    assert.equal(leg.terminated, false);
    leg.finish("Terminated", "test over", true);
  });
});
