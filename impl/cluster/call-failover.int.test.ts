/**
 * Calls outlive their gateway node: three real nodes on PostgreSQL behind haproxy, Kamailio
 * record-routing their dialogs with the nodes as a probed dispatcher set, SIPp as the network. The
 * node holding a call is killed (SIGKILL) or stopped (SIGTERM); a survivor takes the call over from
 * its persisted dialog: still Connected through the balancer, held and resumed on the wire with the
 * survivor's Contact, ended by DELETE (BYE) or by the callee's BYE, which Kamailio sends to a live
 * node. Calls still ringing on the dead node are ended toward the network (CANCEL, 480).
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
import { ALICE, BOB } from "../engine/sip/testing/sip-lab-gateway.ts";
import { until } from "../engine/sip/testing/spawned-gateway-api.ts";
import {
  clusterScenario,
  EVENTS,
  REGISTRATIONS,
  SESSIONS,
  type SipCluster,
  SUBSCRIPTIONS,
  sipScenario,
  startSipCluster,
} from "./testing/sip-cluster.ts";

const LEASE_MS = 3000;
/** How long after a node's death its calls must have moved: the lease, a sweep and some slack. */
const TAKEOVER_MS = LEASE_MS + 5000;

describe("calls fail over between gateway nodes (3 nodes, PostgreSQL, haproxy, Kamailio dispatcher, SIPp)", {
  timeout: 240_000,
}, () => {
  let cluster: SipCluster;
  let sink: SinkReceiver;
  const sipps: SippRun[] = [];
  /** Nodes a test killed or stopped, started again after it. */
  const down = new Set<number>();

  before(async () => {
    const ca = ensureDevCa(fromRoot("data", "dev-ca"));
    sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
    cluster = await startSipCluster({
      nodes: 3,
      leaseMs: LEASE_MS,
      credentials: new Map([
        [ALICE, "alice-secret"],
        [BOB, "bob-secret"],
      ]),
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

  const viaBalancer = (method: string, path: string, phone: string, body?: unknown, headers = {}) =>
    cluster.api(cluster.balancer.baseUrl, method, path, phone, body, headers);
  const node = (i: number) => cluster.nodes[i]?.baseUrl as string;
  const indexOf = (nodeId: string) => Number(nodeId.replace("node-", ""));
  const register = async (base: string, phone: string) => {
    const res = await cluster.api(base, "POST", REGISTRATIONS, phone, { deviceId: randomUUID() });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return String(res.body.registrationId);
  };
  const subscribe = async (phone: string, type: string, detail: Record<string, string>) => {
    const res = await viaBalancer("POST", SUBSCRIPTIONS, phone, {
      protocol: "HTTP",
      sink: sink.url(`/${type}`),
      types: [`${EVENTS}.${type}`],
      config: { subscriptionDetail: detail },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };
  const status = async (id: string, phone = ALICE) =>
    (await viaBalancer("GET", `${SESSIONS}/${id}`, phone)).body.status;
  const statusEvent = (id: string, wanted: string, reason: RegExp, timeoutMs = 20_000) =>
    sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.session-status` &&
        r.event.data?.mediaSessionId === id &&
        r.event.data?.status === wanted &&
        reason.test(String(r.event.data?.reason)),
      timeoutMs,
    );
  /** A SIPp callee reached through Kamailio at a number of its own. */
  const callee = async (number: string, scenario: string, template?: Record<string, number>) => {
    const port = await freePort();
    await cluster.lab.setPeer(number, `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario,
      remote: `127.0.0.1:${cluster.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      timeoutMs: 90_000,
      ...(template ? { template } : {}),
    });
    sipps.push(sipp);
    await sipp.ready;
    return sipp;
  };
  const call = async (base: string, registrationId: string, number: string) => {
    const res = await cluster.api(
      base,
      "POST",
      SESSIONS,
      ALICE,
      { receiverAddress: `tel:${number}`, offer: { sdp: deviceSdp(40000) } },
      { registrationId },
    );
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return String(res.body.mediaSessionId);
  };
  const passed = async (sipp: SippRun, what: string) => {
    const r = await sipp.done;
    assert.equal(r.code, 0, `SIPp (${what}) failed:\n${r.errors}\n${r.messages.slice(-6000)}`);
    return r.messages;
  };
  /** Waits until a live node other than `dead` carries the resource. */
  const movedFrom = async (dead: string, id: string, since: number) => {
    await until(`${id} to move to a survivor`, since + TAKEOVER_MS, async () => {
      const owner = await cluster.owner(id);
      return owner !== undefined && owner.nodeId !== dead && owner.alive;
    });
    return (await cluster.owner(id))?.nodeId as string;
  };
  /** The hold and resume of a taken-over call, through the balancer, each answered by the callee. */
  const holdAndResume = async (id: string) => {
    const hold = await viaBalancer("PUT", `${SESSIONS}/${id}/status`, ALICE, { status: "Hold" });
    assert.equal(hold.status, 200, JSON.stringify(hold.body));
    // The callee's 200 to the hold re-INVITE: until then a Resume would cross it (409, RFC 3261 §14.1).
    await statusEvent(id, "Hold", /^200 OK \(re-INVITE\)/);
    const resume = await viaBalancer("PUT", `${SESSIONS}/${id}/status`, ALICE, { status: "Resume" });
    assert.equal(resume.status, 200, JSON.stringify(resume.body));
  };
  /** Kamailio's view of the nodes (dispatcher.list): each node's SIP port and its flags (AP: active, probed; IP: inactive). */
  const dispatcherFlags = async () => {
    const listed = await cluster.lab.kamcmd("dispatcher.list");
    return new Map(
      [...listed.matchAll(/URI: sip:gw@127\.0\.0\.1:(\d+);transport=tcp\s+FLAGS: (\w+)/g)].map((m) => [
        Number(m[1]),
        m[2],
      ]),
    );
  };
  /** The Contact ports of the INVITEs SIPp received: the initial one's, then each re-INVITE's. */
  const reInviteContactPorts = (trace: string) =>
    [...trace.matchAll(/^INVITE [^\n]*\n(?:[^\n]+\n)*?Contact: *<sip:gw@127\.0\.0\.1:(\d+)/gm)].map((m) =>
      Number(m[1]),
    );

  it("keeps answered calls when their node is killed: Connected through the balancer, hold and resume from the survivor, DELETE → BYE, and the callee's BYE to the dead node reaching the survivor", async () => {
    const alice = await register(cluster.balancer.baseUrl, ALICE);
    const first = await callee("+34911000901", clusterScenario("uas-failover-delete.xml"));
    const second = await callee("+34911000902", clusterScenario("uas-failover-bye.xml"), {
      pause: TAKEOVER_MS + 3000,
    });
    const one = await call(cluster.balancer.baseUrl, alice, "+34911000901");
    await until(
      "the first call Connected",
      Date.now() + 10_000,
      async () => (await status(one)) === "Connected",
    );
    const holder = (await cluster.owner(one))?.nodeId as string;
    const x = indexOf(holder);
    const two = await call(node(x), alice, "+34911000902");
    await subscribe(ALICE, "session-status", { registrationId: alice, sessionId: two });
    await until(
      "the second call Connected",
      Date.now() + 10_000,
      async () => (await status(two)) === "Connected",
    );
    assert.equal((await cluster.owner(two))?.nodeId, holder);
    // Every node answers Kamailio's OPTIONS probes.
    await until("every node active at Kamailio", Date.now() + 5000, async () =>
      [...(await dispatcherFlags()).values()].every((flags) => flags === "AP"),
    );

    cluster.nodes[x]?.child.kill("SIGKILL");
    await cluster.nodes[x]?.exited;
    down.add(x);
    const killedAt = Date.now();
    let flags = new Map<number, string | undefined>();
    await until("Kamailio to mark the dead node inactive", killedAt + TAKEOVER_MS, async () => {
      flags = await dispatcherFlags();
      return flags.get(cluster.sipPorts[x] as number)?.startsWith("I") === true;
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify([...flags])}`);
    });
    const survivor = await movedFrom(holder, one, killedAt);
    await movedFrom(holder, two, killedAt);

    assert.equal(await status(one), "Connected");
    await subscribe(ALICE, "session-status", { registrationId: alice, sessionId: one });
    await holdAndResume(one);
    const deleted = await viaBalancer("DELETE", `${SESSIONS}/${one}`, ALICE);
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));
    const trace = await passed(first, "hold, resume and BYE from the survivor");
    const survivorPort = cluster.sipPorts[indexOf(survivor)];
    assert.deepEqual(
      reInviteContactPorts(trace),
      [cluster.sipPorts[x], survivorPort, survivorPort],
      "the dead node's Contact, then the survivor's",
    );

    // The callee's BYE goes to the dead node's Contact: Kamailio sends it to a live node.
    const terminated = await statusEvent(two, "Terminated", /^BYE \(Reason: Q\.850;cause=16/, 30_000);
    assert.ok(terminated);
    await passed(second, "BYE answered by a survivor");
    assert.equal(await status(two), "Terminated");
    assert.equal((await viaBalancer("GET", `${SESSIONS}/${one}`, ALICE)).status, 404, "deleted");
  });

  it("hands an answered call over when its node stops (SIGTERM), no request through the balancer failing meanwhile, and the callee's BYE to the survivor's new Contact ends it", async () => {
    const alice = await register(cluster.balancer.baseUrl, ALICE);
    const sipp = await callee("+34911000903", clusterScenario("uas-failover-refreshed-bye.xml"));
    const id = await call(cluster.balancer.baseUrl, alice, "+34911000903");
    await subscribe(ALICE, "session-status", { registrationId: alice, sessionId: id });
    await until("Connected", Date.now() + 10_000, async () => (await status(id)) === "Connected");
    const holder = (await cluster.owner(id))?.nodeId as string;
    const x = indexOf(holder);

    const failures: string[] = [];
    let requests = 0;
    const load = (async () => {
      const deadline = Date.now() + 4000;
      while (Date.now() < deadline && requests < 400) {
        requests += 1;
        const res = await viaBalancer("GET", `${SESSIONS}/${id}`, ALICE).catch((e: Error) => ({
          status: 0,
          body: { message: e.message } as Record<string, unknown>,
        }));
        if (res.status !== 200 || res.body.status !== "Connected")
          failures.push(`${res.status} ${JSON.stringify(res.body)}`);
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    cluster.nodes[x]?.child.kill("SIGTERM");
    assert.equal(await cluster.nodes[x]?.exited, 0);
    down.add(x);
    const stoppedAt = Date.now();
    await load;
    assert.ok(requests > 10, `requests made: ${requests}`);
    assert.deepEqual(failures, []);
    // Given up, not expired: the survivors take it over on their next sweep.
    const survivor = await movedFrom(holder, id, stoppedAt);

    await holdAndResume(id);
    await statusEvent(id, "Terminated", /^BYE \(Reason: Q\.850;cause=16/);
    const trace = await passed(sipp, "hold and resume from the survivor, BYE to its Contact");
    const survivorPort = cluster.sipPorts[indexOf(survivor)];
    assert.deepEqual(reInviteContactPorts(trace), [cluster.sipPorts[x], survivorPort, survivorPort]);
    assert.equal(await status(id), "Terminated");
  });

  it("ends the calls still ringing on a killed node: CANCEL for an outgoing one, 480 for an incoming one, both Failed with their events", async () => {
    // Both legs on one node: the callee's registration and the outgoing call made there.
    const x = 0;
    const alice = await register(node(x), ALICE);
    const bob = await register(node(x), BOB);
    await subscribe(BOB, "session-invitation", { registrationId: bob });
    const ringing = await callee("+34911000904", sipScenario("uas-cancel-after-restart.xml"));
    const outgoing = await call(node(x), alice, "+34911000904");
    await subscribe(ALICE, "session-status", { registrationId: alice, sessionId: outgoing });
    await until("Ringing", Date.now() + 10_000, async () => (await status(outgoing)) === "Ringing");

    const earlier = new Set(sink.requests().map((r) => r.event?.id));
    const caller = runSipp({
      scenario: sipScenario("uac-refused-after-restart.xml"),
      remote: `127.0.0.1:${cluster.lab.sipPort}`,
      transport: "tcp",
      localPort: await freePort(),
      service: BOB,
      timeoutMs: 90_000,
    });
    sipps.push(caller);
    const invitation = await sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.session-invitation` &&
        r.event.data?.receiverAddress === `tel:${BOB}` &&
        !earlier.has(r.event.id),
      15_000,
    );
    const incoming = String(invitation.event?.data?.mediaSessionId);
    await subscribe(BOB, "session-status", { registrationId: bob, sessionId: incoming });
    const rang = await cluster.api(node(x), "PUT", `${SESSIONS}/${incoming}/status`, BOB, {
      status: "Ringing",
    });
    assert.equal(rang.status, 200, JSON.stringify(rang.body));
    assert.equal((await cluster.owner(incoming))?.nodeId, `node-${x}`);
    await new Promise((r) => setTimeout(r, 300));

    cluster.nodes[x]?.child.kill("SIGKILL");
    await cluster.nodes[x]?.exited;
    down.add(x);
    await passed(ringing, "CANCEL from a survivor");
    await passed(caller, "480 from a survivor");
    await statusEvent(outgoing, "Failed", /the call attempt was cancelled/);
    await statusEvent(incoming, "Failed", /the call attempt was refused \(480\)/);
    assert.equal(await status(outgoing), "Failed");
    assert.equal(await status(incoming, BOB), "Failed");
  });
});
