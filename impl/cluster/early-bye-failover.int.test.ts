/**
 * A callee's BYE sent right after its call's gateway node died (SIGKILL), long before the probing
 * (about 9 s) or the lease (3 s here) has noticed: Kamailio relays it to the dead node, still active
 * for the dispatcher, whose port refuses the connection; Kamailio marks that node inactive at once and
 * sends the BYE to a live node (scripts/lab/gateway-nodes-cfg.ts), which takes the dialog over on
 * demand and ends the call: Terminated in the API, the callee's BYE answered 200. The takeover on
 * demand within the lease is the gateway's (branch s5-dialogclaim); without it the survivors answer
 * 481 until the lease expires, and so does Kamailio to the callee.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
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

const LEASE_MS = 3000;
/** The callee's pause between its ACK and its BYE: the node is killed as soon as the call is Connected. */
const BYE_AFTER_MS = 1500;

describe("a callee's BYE right after its gateway node's death (3 nodes, Kamailio dispatcher, SIPp)", {
  timeout: 120_000,
}, () => {
  let cluster: SipCluster;
  let sink: SinkReceiver;
  const sipps: SippRun[] = [];

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
  after(async () => {
    for (const sipp of sipps) sipp.stop();
    await cluster?.stop();
    await sink?.close();
  });

  const viaBalancer = (method: string, path: string, body?: unknown, headers = {}) =>
    cluster.api(cluster.balancer.baseUrl, method, path, ALICE, body, headers);

  it("ends the call Terminated, the BYE answered 200 by a live node, well before the probing or the lease notices the death", async () => {
    const registered = await viaBalancer("POST", REGISTRATIONS, { deviceId: randomUUID() });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    const registrationId = String(registered.body.registrationId);
    const number = "+34911000911";
    const port = await freePort();
    await cluster.lab.setPeer(number, `sip:127.0.0.1:${port};transport=tcp`);
    const callee = runSipp({
      scenario: clusterScenario("uas-failover-bye.xml"),
      remote: `127.0.0.1:${cluster.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      timeoutMs: 60_000,
      template: { pause: BYE_AFTER_MS },
    });
    sipps.push(callee);
    await callee.ready;
    await until("every node active at Kamailio", Date.now() + 10_000, async () => {
      const listed = await cluster.lab.kamcmd("dispatcher.list");
      return [...listed.matchAll(/FLAGS: (\w+)/g)].filter((m) => m[1] === "AP").length === 3;
    });
    const created = await viaBalancer(
      "POST",
      SESSIONS,
      { receiverAddress: `tel:${number}`, offer: { sdp: deviceSdp(40000) } },
      { registrationId },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.mediaSessionId);
    const subscribed = await viaBalancer("POST", SUBSCRIPTIONS, {
      protocol: "HTTP",
      sink: sink.url("/session-status"),
      types: [`${EVENTS}.session-status`],
      config: { subscriptionDetail: { registrationId, sessionId: id } },
    });
    assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
    await until(
      "Connected",
      Date.now() + 10_000,
      async () => (await viaBalancer("GET", `${SESSIONS}/${id}`)).body.status === "Connected",
    );
    const holder = Number((await cluster.owner(id))?.nodeId.replace("node-", ""));
    cluster.nodes[holder]?.child.kill("SIGKILL");
    await cluster.nodes[holder]?.exited;
    const killedAt = Date.now();

    const bye = await callee.done;
    assert.equal(
      bye.code,
      0,
      `the callee's BYE was not answered 200:\n${bye.errors}\n${bye.messages.slice(-4000)}`,
    );
    const answeredMs = Date.now() - killedAt;
    await sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.session-status` &&
        r.event.data?.mediaSessionId === id &&
        r.event.data?.status === "Terminated" &&
        /^BYE \(Reason: Q\.850;cause=16/.test(String(r.event.data?.reason)),
      20_000,
    );
    assert.equal((await viaBalancer("GET", `${SESSIONS}/${id}`)).body.status, "Terminated");
    console.log(`early-bye-failover: the callee's BYE answered 200 ${answeredMs} ms after the SIGKILL`);
  });
});
