import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Engine, EngineListener } from "../engine/engine.ts";
import { EngineError } from "../engine/engine-error.ts";
import { clusterEngine } from "./cluster-engine.ts";
import type { ForwardedOperation, PingOutcome } from "./internal-channel.ts";
import type { ClaimedResource } from "./node-registry.ts";
import { memoryRegistry } from "./testing/memory-registry.ts";

function recordingEngine(calls: string[]) {
  let listener: EngineListener | undefined;
  const factory = (l: EngineListener): Engine => {
    listener = l;
    return {
      registrations: {
        register: async (r) => void calls.push(`register ${r.registrationId}`),
        refresh: async (r) => void calls.push(`refresh ${r.registrationId}`),
        unregister: async (r) => void calls.push(`unregister ${r.registrationId}`),
      },
      calls: {
        originate: async (r) => void calls.push(`originate ${r.mediaSessionId}`),
        update: async (r) => void calls.push(`update ${r.mediaSessionId}`),
        terminate: async (r) => void calls.push(`terminate ${r.mediaSessionId}`),
      },
      leaveCalls: async () => void calls.push("leaveCalls"),
      ready: () => true,
      close: async () => void calls.push("close"),
    };
  };
  return { factory, listener: () => listener as EngineListener };
}

const quietListener: EngineListener = {
  sessionChanged: async () => undefined,
  incomingCall: async () => undefined,
  registrationEnded: async () => undefined,
};

/** A connection refused by the node's internal port, as undici rejects it. */
const refused = () =>
  new EngineError("network_unreachable", "the node could not be reached", {
    cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
  });
/** No answer in time: undici's headers timeout. */
const timedOut = () =>
  new EngineError("network_unreachable", "the node could not be reached", {
    cause: Object.assign(new Error("Headers Timeout Error"), { code: "UND_ERR_HEADERS_TIMEOUT" }),
  });

function setUp(
  alive = new Set(["a", "b"]),
  takingOver: (resourceId: string) => Promise<unknown> | undefined = () => undefined,
) {
  const local: string[] = [];
  const forwarded: Array<[string, ForwardedOperation, unknown]> = [];
  const { registry, owners, fenced } = memoryRegistry("a", alive);
  const generation = { value: 0 };
  const inner = recordingEngine(local);
  /** How each node's internal channel fails (none: it carries the request out). */
  const failing = new Map<string, () => Error>();
  const pings = new Map<string, PingOutcome>();
  const takenOver: ClaimedResource[] = [];
  const parts = clusterEngine(inner.factory, {
    registry,
    client: {
      forward: async (url, operation, request) => {
        const fail = failing.get(url);
        if (fail) throw fail();
        forwarded.push([url, operation, request]);
      },
      ping: async (url) => pings.get(url) ?? "answers",
    },
    leaseCurrent: () => true,
    leaseGeneration: () => generation.value,
    takeOver: async (resource) => void takenOver.push(resource),
    takingOver,
    warn: () => undefined,
  });
  const engine = parts.factory(quietListener);
  return {
    generation,
    engine,
    parts,
    local,
    forwarded,
    owners,
    inner,
    failing,
    pings,
    fenced,
    takenOver,
  };
}

const registration = (id: string) => ({
  registrationId: id,
  phoneNumber: "+15550001",
  deviceId: "d",
  expiresAt: new Date("2030-01-01T00:00:00Z"),
  correlator: "c",
});

describe("cluster engine", () => {
  it("leaves its calls to the survivors when it closes (graceful stop) rather than ending them", async () => {
    const { engine, local } = setUp();
    await engine.close();
    assert.deepEqual(local, ["leaveCalls", "close"]);
  });

  it("holds the registrations and calls this node makes", async () => {
    const { engine, local, owners } = setUp();
    await engine.registrations.register(registration("r1"));
    await engine.calls.originate({
      mediaSessionId: "m1",
      registrationId: "r1",
      originatorAddress: "tel:+15550001",
      receiverAddress: "tel:+15550002",
      originatorName: undefined,
      offerSdp: undefined,
      correlator: "c",
    });
    assert.deepEqual(local, ["register r1", "originate m1"]);
    assert.equal(owners.get("r1"), "a");
    assert.equal(owners.get("m1"), "a");
  });

  it("controls a call this node is taking over once its dialog is rebuilt, not before", async () => {
    let rebuilt: () => void = () => undefined;
    const rebuilding = new Promise<void>((resolve) => {
      rebuilt = resolve;
    });
    const { engine, local, owners } = setUp(new Set(["a", "b"]), (id) =>
      id === "m9" ? rebuilding : undefined,
    );
    owners.set("m9", "a");
    const hold = engine.calls.update({
      mediaSessionId: "m9",
      status: "Hold",
      offerSdp: undefined,
      answerSdp: undefined,
      correlator: "c",
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(local, [], "the hold waits for the takeover");
    rebuilt();
    await hold;
    assert.deepEqual(local, ["update m9"]);
  });

  it("hands a request for a resource another live node holds to that node, doing nothing itself", async () => {
    const { engine, local, forwarded, owners } = setUp();
    owners.set("m2", "b");
    owners.set("r2", "b");
    await engine.calls.update({
      mediaSessionId: "m2",
      status: "Hold",
      offerSdp: undefined,
      answerSdp: undefined,
      correlator: "c",
    });
    await engine.calls.terminate({ mediaSessionId: "m2", correlator: "c" });
    await engine.registrations.refresh(registration("r2"));
    assert.deepEqual(local, []);
    assert.deepEqual(
      forwarded.map(([url, operation]) => [url, operation]),
      [
        ["http://b", "update"],
        ["http://b", "terminate"],
        ["http://b", "refresh"],
      ],
    );
  });

  it("claims a resource of a dead node and carries the request out itself", async () => {
    const { engine, local, forwarded, owners } = setUp(new Set(["a"]));
    owners.set("r3", "b");
    await engine.registrations.refresh(registration("r3"));
    assert.deepEqual(local, ["refresh r3"]);
    assert.deepEqual(forwarded, []);
    assert.equal(owners.get("r3"), "a");
  });

  it("ends the lease of a holder whose internal port refuses the connection, claims its call, takes it over and carries the request out itself", async () => {
    const { engine, local, owners, failing, fenced, takenOver } = setUp();
    owners.set("m7", "b");
    failing.set("http://b", refused);
    await engine.calls.update({
      mediaSessionId: "m7",
      status: "Hold",
      offerSdp: undefined,
      answerSdp: undefined,
      correlator: "c",
    });
    assert.deepEqual(fenced, ["b"]);
    assert.deepEqual(takenOver, [{ resourceId: "m7", kind: "session", from: "b" }]);
    assert.deepEqual(local, ["update m7"]);
    assert.equal(owners.get("m7"), "a");
  });

  it("leaves the lease of a holder that does not answer in time alone (a slow node may be alive): the request fails network_unreachable, nothing claimed", async () => {
    const { engine, local, owners, failing, fenced, takenOver } = setUp();
    owners.set("m8", "b");
    failing.set("http://b", timedOut);
    await assert.rejects(engine.calls.terminate({ mediaSessionId: "m8", correlator: "c" }), {
      name: "EngineError",
      failure: "network_unreachable",
    });
    assert.deepEqual([fenced, takenOver, local], [[], [], []]);
    assert.equal(owners.get("m8"), "b");
  });

  it("takes over a resource claimed from a dead node before carrying the request out", async () => {
    const { engine, local, owners, takenOver } = setUp(new Set(["a"]));
    owners.set("r9", "b");
    await engine.registrations.refresh(registration("r9"));
    assert.deepEqual(takenOver, [{ resourceId: "r9", kind: "registration", from: "b" }]);
    assert.deepEqual(local, ["refresh r9"]);
  });

  it("runs a forwarded request on its own engine, with the expiry back as a Date", async () => {
    const { parts, local, owners } = setUp();
    owners.set("r4", "a");
    await parts.handle("refresh", JSON.parse(JSON.stringify(registration("r4"))));
    await parts.handle("unregister", { registrationId: "r4", phoneNumber: "+15550001", correlator: "c" });
    assert.deepEqual(local, ["refresh r4", "unregister r4"]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(owners.has("r4"), false, "an ended binding is no longer held");
  });

  it("holds an incoming call and lets a call go once it ended", async () => {
    const { inner, owners } = setUp();
    const listener = inner.listener();
    const call = {
      mediaSessionId: "m5",
      registrationId: "r1",
      originatorAddress: "tel:+1",
      originatorName: undefined,
      receiverAddress: "tel:+2",
      offerSdp: undefined,
    };
    await listener.incomingCall(call);
    assert.equal(owners.get("m5"), "a");
    await listener.sessionChanged({ mediaSessionId: "m5", status: "Terminated", reason: "BYE" });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(owners.has("m5"), false);
  });

  it("asks the table again for what it held once its lease lapsed, and hands it to the node that took it over", async () => {
    const { engine, forwarded, local, owners, generation } = setUp();
    await engine.registrations.register(registration("r6"));
    owners.set("r6", "b"); // taken over while this node's lease had lapsed
    await engine.registrations.refresh(registration("r6"));
    assert.deepEqual(local, ["register r6", "refresh r6"], "still held as far as this node knew");
    generation.value += 1;
    await engine.registrations.refresh(registration("r6"));
    assert.deepEqual(
      forwarded.map(([url, operation]) => [url, operation]),
      [["http://b", "refresh"]],
    );
  });

  it("is not ready once it gives its lease up, while the lease itself is still current", () => {
    const { registry } = memoryRegistry("a", new Set(["a"]));
    let accepting = true;
    const parts = clusterEngine(recordingEngine([]).factory, {
      registry,
      client: { forward: async () => undefined, ping: async () => "answers" },
      takeOver: async () => undefined,
      takingOver: () => undefined,
      leaseCurrent: () => true,
      leaseGeneration: () => 0,
      accepting: () => accepting,
      warn: () => undefined,
    });
    const engine = parts.factory(quietListener);
    assert.equal(engine.ready(), true);
    accepting = false;
    assert.equal(engine.ready(), false);
  });

  it("is not ready when its lease is not current", () => {
    const { registry } = memoryRegistry("a", new Set(["a"]));
    let current = true;
    const parts = clusterEngine(recordingEngine([]).factory, {
      registry,
      client: { forward: async () => undefined, ping: async () => "answers" },
      takeOver: async () => undefined,
      takingOver: () => undefined,
      leaseCurrent: () => current,
      leaseGeneration: () => 0,
      warn: () => undefined,
    });
    const engine = parts.factory(quietListener);
    assert.equal(engine.ready(), true);
    current = false;
    assert.equal(engine.ready(), false);
  });
});
