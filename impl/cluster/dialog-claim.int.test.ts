/**
 * No 481 in the window between a node's death and its lease expiry: three real nodes on PostgreSQL
 * behind haproxy, Kamailio with the nodes as a probed dispatcher set, SIPp as the network, and a
 * lease (15 s) far longer than the test needs. The node holding a call is killed (SIGKILL); within
 * its lease, the callee's re-INVITE reaches a survivor, which finds the dead node's dialog in the
 * store, sees the dead node's internal port refuse connections, ends its lease (fence), takes the
 * call over and answers 200 with its own Contact; and an API hold through the balancer is carried out
 * by the node it reaches, the same way, rather than failing.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, afterEach, before, describe, it } from "node:test";
import { type SinkReceiver, startSinkReceiver } from "../../conformance/sink/index.ts";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { freePort } from "../../scripts/lab/free-port.ts";
import { runSipp, type SippRun } from "../../scripts/lab/sipp.ts";
import { fromRoot } from "../../scripts/lib/paths.ts";
import { deviceSdp } from "../engine/sip/testing/call-steps.ts";
import { ALICE } from "../engine/sip/testing/sip-lab-gateway.ts";
import { until } from "../engine/sip/testing/spawned-gateway-api.ts";
import {
  clusterScenario,
  EVENTS,
  REGISTRATIONS,
  SESSIONS,
  type SipCluster,
  SUBSCRIPTIONS,
  startSipCluster,
} from "./testing/sip-cluster.ts";

/** Far longer than the test takes from the kill to the end of the call: no lease expires meanwhile. */
const LEASE_MS = 15_000;

describe("in-dialog and API requests for a killed node's call within its lease (3 nodes, PostgreSQL, haproxy, Kamailio dispatcher, SIPp)", {
  timeout: 180_000,
}, () => {
  let cluster: SipCluster;
  let sink: SinkReceiver;
  const sipps: SippRun[] = [];
  const down = new Set<number>();

  before(async () => {
    const ca = ensureDevCa(fromRoot("data", "dev-ca"));
    sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
    cluster = await startSipCluster({
      nodes: 3,
      leaseMs: LEASE_MS,
      credentials: new Map([[ALICE, "alice-secret"]]),
      sinkPort: sink.port,
    });
  });
  afterEach(async () => {
    for (const sipp of sipps.splice(0)) sipp.stop();
    for (const i of down) await cluster.respawn(i);
    down.clear();
  });
  after(async () => {
    await cluster?.stop();
    await sink?.close();
  });

  const viaBalancer = (method: string, path: string, body?: unknown, headers = {}) =>
    cluster.api(cluster.balancer.baseUrl, method, path, ALICE, body, headers);
  const indexOf = (nodeId: string) => Number(nodeId.replace("node-", ""));
  const status = async (id: string) => (await viaBalancer("GET", `${SESSIONS}/${id}`)).body.status;
  const callee = async (number: string, scenario: string, template?: Record<string, number>) => {
    const port = await freePort();
    await cluster.lab.setPeer(number, `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario,
      remote: `127.0.0.1:${cluster.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      timeoutMs: 60_000,
      ...(template ? { template } : {}),
    });
    sipps.push(sipp);
    await sipp.ready;
    return sipp;
  };
  /** A call from Alice (registered through the balancer) to `number`, Connected; its holder's index. */
  const connectedCall = async (number: string) => {
    const reg = await viaBalancer("POST", REGISTRATIONS, { deviceId: randomUUID() });
    assert.equal(reg.status, 200, JSON.stringify(reg.body));
    const res = await viaBalancer(
      "POST",
      SESSIONS,
      { receiverAddress: `tel:${number}`, offer: { sdp: deviceSdp(40000) } },
      { registrationId: String(reg.body.registrationId) },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const id = String(res.body.mediaSessionId);
    await until("Connected", Date.now() + 10_000, async () => (await status(id)) === "Connected");
    const holder = (await cluster.owner(id))?.nodeId as string;
    return { id, registrationId: String(reg.body.registrationId), x: indexOf(holder) };
  };
  const kill = async (x: number) => {
    cluster.nodes[x]?.child.kill("SIGKILL");
    await cluster.nodes[x]?.exited;
    down.add(x);
    return Date.now();
  };
  const passed = async (sipp: SippRun, what: string) => {
    const r = await sipp.done;
    assert.equal(r.code, 0, `SIPp (${what}) failed:\n${r.errors}\n${r.messages.slice(-6000)}`);
    return r.messages;
  };
  const dispatcherFlags = async () => {
    const listed = await cluster.lab.kamcmd("dispatcher.list");
    return new Map(
      [...listed.matchAll(/URI: sip:gw@127\.0\.0\.1:(\d+);transport=tcp\s+FLAGS: (\w+)/g)].map((m) => [
        Number(m[1]),
        m[2],
      ]),
    );
  };
  const statusEvent = (id: string, wanted: string, reason: RegExp) =>
    sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.session-status` &&
        r.event.data?.mediaSessionId === id &&
        r.event.data?.status === wanted &&
        reason.test(String(r.event.data?.reason)),
      20_000,
    );

  it("answers the callee's re-INVITE to the killed node 200 from a survivor with the survivor's Contact, within the lease, and the callee's BYE then ends the call Terminated", async () => {
    await until("every node active at Kamailio", Date.now() + 5000, async () =>
      [...(await dispatcherFlags()).values()].every((flags) => flags === "AP"),
    );
    const sipp = await callee("+34911000921", clusterScenario("uas-reinvite-in-lease.xml"), { pause: 6000 });
    const { id, x } = await connectedCall("+34911000921");
    const killedAt = await kill(x);
    // The re-INVITE must meet the node inactive at Kamailio (the dispatcher's probe), its lease still running.
    await until(
      "Kamailio to mark the dead node inactive",
      killedAt + 5000,
      async () => (await dispatcherFlags()).get(cluster.sipPorts[x] as number)?.startsWith("I") === true,
    );
    assert.equal((await cluster.owner(id))?.alive, true, "the dead node's lease still runs");

    const trace = await passed(sipp, "re-INVITE answered 200 by a survivor, then BYE");
    assert.ok(Date.now() - killedAt < LEASE_MS, "all of it within the dead node's lease");
    const answer = trace
      .split(/-{20,}/)
      .find(
        (block) =>
          / received /.test(block) && /SIP\/2\.0 200 OK/.test(block) && /CSeq: *2 INVITE/.test(block),
      );
    const contactPort = Number(/Contact: *<sip:gw@127\.0\.0\.1:(\d+)/.exec(answer ?? "")?.[1]);
    assert.notEqual(contactPort, cluster.sipPorts[x], "not the dead node's Contact");
    const survivor = cluster.sipPorts.indexOf(contactPort);
    assert.ok(survivor >= 0 && survivor !== x, `a survivor's Contact (${contactPort})`);
    assert.doesNotMatch(trace, /SIP\/2\.0 481/, "no 481 anywhere");
    await until("Terminated", Date.now() + 10_000, async () => (await status(id)) === "Terminated");
  });

  it("carries out a hold and a resume through the balancer within the killed node's lease (the call taken over on demand), and the callee's BYE to the survivor ends it", async () => {
    const sipp = await callee("+34911000922", clusterScenario("uas-failover-refreshed-bye.xml"));
    const { id, registrationId, x } = await connectedCall("+34911000922");
    const subscribed = await viaBalancer("POST", SUBSCRIPTIONS, {
      protocol: "HTTP",
      sink: sink.url("/session-status"),
      types: [`${EVENTS}.session-status`],
      config: { subscriptionDetail: { registrationId, sessionId: id } },
    });
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    const killedAt = await kill(x);

    const hold = await viaBalancer("PUT", `${SESSIONS}/${id}/status`, { status: "Hold" });
    assert.equal(hold.status, 200, JSON.stringify(hold.body));
    await statusEvent(id, "Hold", /^200 OK \(re-INVITE\)/);
    const resume = await viaBalancer("PUT", `${SESSIONS}/${id}/status`, { status: "Resume" });
    assert.equal(resume.status, 200, JSON.stringify(resume.body));
    assert.ok(Date.now() - killedAt < LEASE_MS, "within the dead node's lease");
    const owner = await cluster.owner(id);
    assert.ok(owner && owner.nodeId !== `node-${x}` && owner.alive, JSON.stringify(owner));

    await statusEvent(id, "Terminated", /^BYE \(Reason: Q\.850;cause=16/);
    const trace = await passed(sipp, "hold and resume from the survivor, BYE to its Contact");
    assert.doesNotMatch(trace, /SIP\/2\.0 481/);
    assert.equal(await status(id), "Terminated");
  });
});
