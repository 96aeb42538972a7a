/**
 * The production SIP edge (deploy/kamailio/kamailio-edge.cfg.tmpl rendered by
 * scripts/edge/render-edge.ts, not the lab's cfg) in front of three gateway nodes on TCP, each a
 * SIPp UAS standing in for a gateway process: what is tested is Kamailio's behaviour, which real
 * gateways cannot make more deterministic (impl/cluster/call-failover.int.test.ts shows real nodes
 * taking a dialog over behind the lab's Kamailio, which runs the same route). The edge probes the
 * nodes with OPTIONS; the node that answered a call is killed (SIGKILL); the probing marks it
 * inactive; the caller's next in-dialog requests, whose Request-URI is still the dead node's
 * Contact, go to a live node; a node answering 481 ("does not hold the dialog") is followed by the
 * next live node, which answers 200. Once for a call the edge dispatched by number prefix (trunk
 * mode), once for a call to a number the node registered (per-number mode).
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/edge-gateway-nodes.int.test.ts
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureDevCa } from "../../scripts/dev-ca/dev-ca.ts";
import { type EdgeLab, startEdgeLab } from "../../scripts/lab/edge.ts";
import { freePort } from "../../scripts/lab/free-port.ts";
import { runSipp, type SippRun } from "../../scripts/lab/sipp.ts";

const scenario = (name: string) => join(import.meta.dirname, "scenarios", name);
const literally = (text: string) => text.replace(/[.;+()]/g, "\\$&");
/** Any text up to the end of one message's headers (a blank line). */
const IN_HEADERS = "(?:(?!\\r?\\n\\r?\\n)[^])*?";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PREFIX = "+3460000";
const TRUNK_NUMBER = "+34600000101";
const DEVICE = "+34700000001";
const DEVICE_PASSWORD = "device-secret";
/**
 * The caller's pause between its ACK and its INFO. A killed node is found inactive about 9 s after
 * its death (the ping interval, 1 s, plus the failed ping's transaction timeout, tm's fr_timer of
 * 8 s: Kamailio 5.6's dispatcher sees a refused TCP connection only then).
 */
const PAUSE_MS = 16_000;

describe("the SIP edge in front of several gateway nodes (dispatcher probing and in-dialog reroute)", {
  timeout: 180_000,
}, () => {
  let dir: string;
  let edge: EdgeLab;
  let edgeLog = "";
  const ports: number[] = [];
  const uri = (i: number) => `sip:gw@127.0.0.1:${ports[i]};transport=tcp`;
  const runs: SippRun[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "edge-gateway-nodes-"));
    while (ports.length < 3) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const ca = ensureDevCa(join(dir, "dev-ca"));
    edge = await startEdgeLab({
      credentials: new Map([[DEVICE, DEVICE_PASSWORD]]),
      // No call here is anchored (no WebSocket side): rtpengine is named, never asked.
      rtpengineNg: `127.0.0.1:${await freePort()}`,
      certPem: ca.serverCertPem,
      keyPem: ca.serverKeyPem,
      wssPort: await freePort(),
      trustedSources: ["127.0.0.1"],
      gateway: {
        numberPrefixes: [PREFIX],
        nodes: [0, 1, 2].map(uri),
        probing: { intervalSec: 1, failuresToInactive: 1, repliesToActive: 1 },
      },
      dir: join(dir, "edge"),
    });
    edge.kamailio.stderr?.on("data", (d: Buffer) => {
      edgeLog += d.toString();
    });
  });
  after(async () => {
    for (const run of runs) run.process.kill("SIGKILL");
    await edge?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Node i: answers pings and calls; a request of a dialog it does not hold gets `orphan`. */
  async function startNode(i: number, orphan: 200 | 481): Promise<{ run: SippRun; answered: string }> {
    const answered = join(dir, `answered-${i}-${Date.now()}`);
    const run = runSipp({
      scenario: scenario("uas-gateway-node.xml"),
      remote: `127.0.0.1:${edge.sipPort}`,
      transport: "tcp",
      localPort: ports[i] as number,
      calls: 100_000,
      timeoutMs: 120_000,
      template: { ORPHAN: orphan, ANSWERED: answered },
    });
    runs.push(run);
    await run.ready;
    return { run, answered };
  }

  /** The dispatcher's flags of each node (kamcmd dispatcher.list): "AP" active, "IP" inactive, probed. */
  async function flags(): Promise<Map<string, string>> {
    const out = await edge.kamcmd("dispatcher.list");
    return new Map(
      [...out.matchAll(/URI: (\S+)\s+FLAGS: (\S+)/g)].map((m) => [m[1] as string, m[2] as string]),
    );
  }

  async function waitFor(i: number, state: "A" | "I"): Promise<void> {
    const deadline = Date.now() + 25_000;
    while (!(await flags()).get(uri(i))?.startsWith(state)) {
      if (Date.now() > deadline)
        assert.fail(`node ${i} never became ${state}: ${JSON.stringify([...(await flags())])}`);
      await sleep(100);
    }
  }

  async function waitForFile(file: string, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!existsSync(file)) {
      if (Date.now() > deadline) assert.fail(`${what} never happened`);
      await sleep(50);
    }
  }

  async function call(service: string, tag: string): Promise<{ run: SippRun; callId: string }> {
    const run = runSipp({
      scenario: scenario("uac-gateway-node-call.xml"),
      remote: `127.0.0.1:${edge.sipPort}`,
      transport: "udp",
      localPort: await freePort(),
      service,
      timeoutMs: 60_000,
      template: { PAUSE: PAUSE_MS },
      extra: ["-cid_str", `${tag}-%u@%s`],
    });
    runs.push(run);
    return { run, callId: `${tag}-1@127.0.0.1` };
  }

  /**
   * Node 0 answered the call and dies; nodes 1 (481) and 2 (200) are live: the caller's INFO and
   * BYE, both for node 0's Contact, are answered 200, one of them after a 481 (round robin starts
   * one of two consecutive picks at node 1).
   */
  async function assertTakenOverAfterDeath(
    node0: SippRun,
    caller: { run: SippRun; callId: string },
    live: { refusing: SippRun; holding: SippRun },
  ): Promise<void> {
    node0.process.kill("SIGKILL");
    await node0.done;
    await waitFor(0, "I");
    const result = await caller.run.done;
    assert.equal(result.code, 0, `the caller's INFO and BYE were not both answered 200:\n${result.output}`);
    live.refusing.stop();
    live.holding.stop();
    const [refusing, holding] = await Promise.all([live.refusing.done, live.holding.done]);
    const inDialog = (messages: string, method: string) =>
      new RegExp(`${method} ${literally(uri(0))} SIP/2\\.0${IN_HEADERS}Call-ID: ${caller.callId}`, "i").test(
        messages,
      );
    assert.ok(inDialog(holding.messages, "INFO"), "the INFO for node 0 reached node 2");
    assert.ok(inDialog(holding.messages, "BYE"), "the BYE for node 0 reached node 2");
    assert.match(refusing.messages, new RegExp(`SIP/2\\.0 481 Node${IN_HEADERS}Call-ID: ${caller.callId}`));
    for (const want of [
      new RegExp(
        `INFO for inactive gateway node ${literally(uri(0))} sent to \\S+ \\(Call-ID ${caller.callId}\\)`,
      ),
      new RegExp(
        `refused by a gateway node \\(481\\), tried at ${literally(uri(2))} \\(Call-ID ${caller.callId}\\)`,
      ),
    ])
      assert.match(edgeLog, want);
  }

  it("trunk mode: a dead node's dialog, dispatched by number prefix, is carried on by a live node", async () => {
    const node0 = await startNode(0, 481);
    await waitFor(0, "A");
    // Nodes 1 and 2 are not up yet: the probing has them inactive and the prefix goes to node 0.
    await waitFor(1, "I");
    await waitFor(2, "I");
    const caller = await call(TRUNK_NUMBER, "trunk-mode");
    await waitForFile(node0.answered, "node 0 answering the call");
    const refusing = (await startNode(1, 481)).run;
    const holding = (await startNode(2, 200)).run;
    await waitFor(1, "A");
    await waitFor(2, "A");
    await assertTakenOverAfterDeath(node0.run, caller, { refusing, holding });
  });

  it("per-number mode: a dead node's dialog, reached through its registration, is carried on by a live node", async () => {
    const node0 = await startNode(0, 481);
    // The node killed by the first test answers pings again: active after one answer.
    await waitFor(0, "A");
    const refusing = (await startNode(1, 481)).run;
    const holding = (await startNode(2, 200)).run;
    await waitFor(1, "A");
    await waitFor(2, "A");
    const register = runSipp({
      scenario: scenario("uac-register-node.xml"),
      remote: `127.0.0.1:${edge.sipPort}`,
      transport: "udp",
      localPort: await freePort(),
      service: DEVICE,
      timeoutMs: 20_000,
      template: {
        USER: DEVICE,
        DOMAIN: edge.domain,
        CONTACT: `${uri(0)};rid=r-1`,
        PASSWORD: DEVICE_PASSWORD,
      },
    });
    runs.push(register);
    const registered = await register.done;
    assert.equal(registered.code, 0, registered.output);
    assert.match(
      await edge.registrations(DEVICE),
      new RegExp(`127\\.0\\.0\\.1:${ports[0]};transport=tcp;rid=r-1`),
    );
    const caller = await call(DEVICE, "per-number-mode");
    await waitForFile(node0.answered, "node 0 answering the call");
    await assertTakenOverAfterDeath(node0.run, caller, { refusing, holding });
  });
});
