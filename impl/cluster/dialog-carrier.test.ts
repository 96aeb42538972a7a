import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dialogCarrier } from "./dialog-carrier.ts";
import type { PingOutcome } from "./internal-channel.ts";
import type { ClaimedResource } from "./node-registry.ts";
import { memoryRegistry } from "./testing/memory-registry.ts";

function setUp(alive = new Set(["a", "b"])) {
  const { registry, owners, fenced } = memoryRegistry("a", alive);
  const pings = new Map<string, PingOutcome[]>();
  const pinged: string[] = [];
  const takenOver: ClaimedResource[] = [];
  const claimed: string[] = [];
  const running = new Map<string, Promise<unknown>>();
  const carry = dialogCarrier({
    registry,
    client: {
      ping: async (url) => {
        pinged.push(url);
        return pings.get(url)?.shift() ?? "answers";
      },
    },
    takeOver: async (resource) => void takenOver.push(resource),
    takingOver: (id) => running.get(id),
    claimed: (id) => void claimed.push(id),
    warn: () => undefined,
  });
  return { carry, owners, fenced, pings, pinged, takenOver, claimed, running };
}

describe("which node carries the dialog of an in-dialog request this node does not match", () => {
  it("leaves it to a live holder that answers its ping: elsewhere (the request is refused for a retry, never 481)", async () => {
    const { carry, owners, fenced, takenOver } = setUp();
    owners.set("m1", "b");
    assert.equal(await carry("m1"), "elsewhere");
    assert.deepEqual([fenced, takenOver], [[], []]);
    assert.equal(owners.get("m1"), "b");
  });

  it("leaves it to a holder whose ping times out twice (a slow node may be alive): elsewhere, its lease untouched", async () => {
    const { carry, owners, fenced, pings, pinged } = setUp();
    owners.set("m2", "b");
    pings.set("http://b", ["unsure", "unsure"]);
    assert.equal(await carry("m2"), "elsewhere");
    assert.deepEqual(pinged, ["http://b", "http://b"]);
    assert.deepEqual(fenced, []);
  });

  it("ends the lease of a holder whose internal port refuses the connection, claims the call and takes it over: here", async () => {
    const { carry, owners, fenced, pings, takenOver, claimed } = setUp();
    owners.set("m3", "b");
    // The first ping fails on the kept-alive connection the death closed, the second is refused.
    pings.set("http://b", ["unsure", "refused"]);
    assert.equal(await carry("m3"), "here");
    assert.deepEqual(fenced, ["b"]);
    assert.deepEqual(takenOver, [{ resourceId: "m3", kind: "session", from: "b" }]);
    assert.deepEqual(claimed, ["m3"]);
    assert.equal(owners.get("m3"), "a");
  });

  it("claims and takes over the call of a node whose lease expired, or of no node: here", async () => {
    const { carry, owners, takenOver, pinged } = setUp(new Set(["a"]));
    owners.set("m4", "b");
    assert.equal(await carry("m4"), "here");
    assert.equal(await carry("m5"), "here");
    assert.deepEqual(takenOver, [
      { resourceId: "m4", kind: "session", from: "b" },
      { resourceId: "m5", kind: "session", from: "" },
    ]);
    assert.deepEqual(pinged, [], "a dead node is not asked");
  });

  it("waits for the takeover of its own call under way (the failover sweep's) rather than starting another: here", async () => {
    const { carry, owners, takenOver, running } = setUp();
    owners.set("m6", "a");
    let finish: () => void = () => undefined;
    running.set("m6", new Promise<void>((resolve) => (finish = resolve)));
    let answer: string | undefined;
    const asked = carry("m6").then((a) => (answer = a));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(answer, undefined, "still waiting for the sweep's takeover");
    finish();
    await asked;
    assert.equal(answer, "here");
    assert.deepEqual(takenOver, []);
  });
});
