/**
 * The production SIP edge (kamailio-edge.cfg.tmpl rendered by scripts/edge/render-edge.ts) in front
 * of three gateway nodes on TCP, each a SIPp UAS standing in for a gateway process (as in
 * edge-gateway-nodes.int.test.ts), when an in-dialog request reaches the edge before the probing has
 * found its node dead: the node that answered a call is killed (SIGKILL: its port refuses
 * connections) or frozen (SIGSTOP: it takes the request and answers nothing); the caller's INFO,
 * 1 s after its ACK, goes to that node, still active for the dispatcher; its failure marks the node
 * inactive at once and sends the INFO on to a live node; the caller's BYE then goes to a live node
 * straight away. The probing is slowed down here (a ping a minute) so that no ping can find the
 * death first: what is tested is the edge's reaction to the failed request itself.
 *
 *   scripts/lib/netns-run.sh e2e node --import tsx --test impl/e2e/edge-gateway-node-reroute.int.test.ts
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

const NUMBER = "+34600000101";
/** The caller's pause between its ACK and its INFO: the node is killed as soon as it answered. */
const PAUSE_MS = 1_000;

/**
 * How long the caller waited for the 200 of its `method` (its first send to the answer), from
 * SIPp's message trace: each message follows a line of dashes, a date and a time of day.
 */
function answeredInMs(trace: string, method: string): number {
  const at = (block: string) => {
    const m = new RegExp(`-{10,} \\S+\\s(\\d+):(\\d+):([\\d.]+)\\n[^\\n]*\\n\\n${block}`).exec(trace);
    if (!m) assert.fail(`no ${block} in the caller's trace`);
    return (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000;
  };
  return Math.round(at(`SIP/2\\.0 200${IN_HEADERS}CSeq: \\d+ ${method}`) - at(`${method} `));
}

describe("the SIP edge sends a request its gateway node fails to a live node at once, before the probing notices", {
  timeout: 120_000,
}, () => {
  let dir: string;
  let edge: EdgeLab;
  let edgeLog = "";
  const ports: number[] = [];
  const uri = (i: number) => `sip:gw@127.0.0.1:${ports[i]};transport=tcp`;
  const runs: SippRun[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "edge-gateway-node-reroute-"));
    while (ports.length < 3) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    const ca = ensureDevCa(join(dir, "dev-ca"));
    edge = await startEdgeLab({
      credentials: new Map(),
      rtpengineNg: `127.0.0.1:${await freePort()}`,
      certPem: ca.serverCertPem,
      keyPem: ca.serverKeyPem,
      wssPort: await freePort(),
      trustedSources: ["127.0.0.1"],
      gateway: {
        numberPrefixes: ["+3460000"],
        nodes: [0, 1, 2].map(uri),
        probing: { intervalSec: 60, failuresToInactive: 1, repliesToActive: 1 },
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

  /** The dispatcher's flags of each node (kamcmd dispatcher.list): first letter A active, I inactive. */
  async function flags(): Promise<Map<string, string>> {
    const out = await edge.kamcmd("dispatcher.list");
    return new Map(
      [...out.matchAll(/URI: (\S+)\s+FLAGS: (\S+)/g)].map((m) => [m[1] as string, m[2] as string]),
    );
  }

  /** Node i, holding every dialog (200 to a request of a dialog it did not answer). */
  async function startNode(i: number): Promise<{ run: SippRun; answered: string }> {
    const answered = join(dir, `answered-${i}-${Date.now()}`);
    const run = runSipp({
      scenario: scenario("uas-gateway-node.xml"),
      remote: `127.0.0.1:${edge.sipPort}`,
      transport: "tcp",
      localPort: ports[i] as number,
      calls: 100_000,
      timeoutMs: 60_000,
      template: { ORPHAN: 200, ANSWERED: answered },
    });
    runs.push(run);
    await run.ready;
    return { run, answered };
  }

  async function assertCarriedOnAfter(signal: "SIGKILL" | "SIGSTOP", tag: string): Promise<void> {
    // Whatever a former test left running (it failed half-way) goes; the nodes it marked inactive
    // are active again (the probing would take a minute).
    for (const run of runs.splice(0)) {
      run.process.kill("SIGKILL");
      await run.done;
    }
    for (const i of [0, 1, 2]) await edge.kamcmd("dispatcher.set_state", "a", 1, uri(i));
    const nodes = [await startNode(0), await startNode(1), await startNode(2)];
    assert.deepEqual(
      [...(await flags()).values()].map((f) => f[0]),
      ["A", "A", "A"],
      "every node active",
    );
    const caller = runSipp({
      scenario: scenario("uac-gateway-node-call.xml"),
      remote: `127.0.0.1:${edge.sipPort}`,
      transport: "udp",
      localPort: await freePort(),
      service: NUMBER,
      timeoutMs: 30_000,
      template: { PAUSE: PAUSE_MS },
      extra: ["-cid_str", `${tag}-%u@%s`],
    });
    runs.push(caller);
    const callId = `${tag}-1@127.0.0.1`;
    const answering = () => nodes.findIndex((n) => existsSync(n.answered));
    const deadline = Date.now() + 15_000;
    while (answering() < 0) {
      if (Date.now() > deadline) assert.fail("no node answered the call");
      await sleep(20);
    }
    const dead = answering();
    nodes[dead]?.run.process.kill(signal);
    const result = await caller.done;
    assert.equal(result.code, 0, `the caller's INFO and BYE were not both answered 200:\n${result.output}`);
    nodes[dead]?.run.process.kill("SIGKILL");
    const live = nodes.filter((_, i) => i !== dead).map((n) => n.run);
    for (const run of live) run.stop();
    const messages = (await Promise.all(live.map((run) => run.done))).map((r) => r.messages).join("\n");
    const inDialog = (method: string) =>
      new RegExp(`${method} ${literally(uri(dead))} SIP/2\\.0${IN_HEADERS}Call-ID: ${callId}`, "i");
    assert.match(messages, inDialog("INFO"), "the INFO for the dead node reached a live node");
    assert.match(messages, inDialog("BYE"), "the BYE for the dead node reached a live node");
    assert.match(
      edgeLog,
      new RegExp(
        `INFO not delivered to gateway node ${literally(uri(dead))}, marked inactive, tried at \\S+ \\(Call-ID ${callId}\\)`,
      ),
    );
    assert.match(
      edgeLog,
      new RegExp(
        `BYE for inactive gateway node ${literally(uri(dead))} sent to \\S+ \\(Call-ID ${callId}\\)`,
      ),
    );
    assert.match((await flags()).get(uri(dead)) ?? "", /^I/, "the dead node is inactive");
    console.log(
      `edge-gateway-node-reroute: after ${signal}, the INFO answered in ${answeredInMs(result.messages, "INFO")} ms, the BYE in ${answeredInMs(result.messages, "BYE")} ms`,
    );
  }

  it("a node that refuses the connection: the request goes to a live node at once and the node is marked inactive", async () => {
    await assertCarriedOnAfter("SIGKILL", "refused");
  });

  it("a node that takes the request and answers nothing within 4 s: the request goes to a live node then and the node is marked inactive", async () => {
    await assertCarriedOnAfter("SIGSTOP", "unanswered");
  });
});
