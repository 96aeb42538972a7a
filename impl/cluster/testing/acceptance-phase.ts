/**
 * One stop of the cluster's acceptance run (impl/cluster/cluster-load.int.test.ts): callees, the
 * clients' load, the node stopped mid-load with a signal, then what the clients and the network see
 * afterwards. Everything is bounded in count and time; figures and problems come back to the test.
 */
import type { SinkReceiver } from "../../../conformance/sink/index.ts";
import { freePort } from "../../../scripts/lab/free-port.ts";
import { runSipp, type SippRun } from "../../../scripts/lab/sipp.ts";
import { taggedNode } from "../node-tagged-id.ts";
import {
  type Acknowledged,
  acknowledgedIn,
  type LoadedCall,
  type LoadPlan,
  type LoadResult,
  startAcceptanceLoad,
} from "./acceptance-load.ts";
import { clusterScenario, SESSIONS, type SipCluster } from "./sip-cluster.ts";

/** A call's part: held, resumed and ended by DELETE, or ended by the callee's BYE. */
export type Group = "delete" | "bye";
export const groupOf = (call: { readonly turn: number }): Group => (call.turn === 0 ? "delete" : "bye");
/** The status changes each group's calls go through (repeats in a row counted once). */
export const PATHS: Record<Group, readonly string[]> = {
  delete: ["Connected", "Hold", "Resume", "Terminated"],
  bye: ["Connected", "Terminated"],
};

/** The node is stopped no sooner than this into the load, and only once every call placed is answered. */
const STOP_AFTER_MS = 2000;
/** The callee's BYE comes this long after its answer: past a killed node's lease and its calls' takeover. */
export const BYE_AFTER_MS = 12_000;
/** A client retries a control request that failed, 1 s apart, for this long. */
const RETRY_FOR_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failed = (e: Error) => ({ status: 0, body: { message: e.message } as Record<string, unknown> });

/** The two SIPp callees of a phase, each number of the plan routed to its group's callee. */
export async function startCallees(cluster: SipCluster, plan: LoadPlan) {
  const ports = { delete: await freePort(), bye: await freePort() };
  while (ports.bye === ports.delete) ports.bye = await freePort();
  for (let c = 0; c < plan.clients; c++)
    for (let turn = 0; turn < plan.callTurns; turn++)
      await cluster.lab.setPeer(
        plan.number(c, turn),
        `sip:127.0.0.1:${ports[groupOf({ turn })]};transport=tcp`,
      );
  const calls = (group: Group) =>
    Array.from({ length: plan.callTurns }, (_, turn) => turn).filter((turn) => groupOf({ turn }) === group)
      .length * plan.clients;
  const callee = (scenario: string, port: number, group: Group, template?: Record<string, number>) =>
    runSipp({
      scenario,
      remote: `127.0.0.1:${cluster.lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      calls: calls(group),
      timeoutMs: 120_000,
      ...(template ? { template } : {}),
    });
  const callees: Record<Group, SippRun> = {
    delete: callee(clusterScenario("uas-failover-delete.xml"), ports.delete, "delete"),
    bye: callee(clusterScenario("uas-failover-bye.xml"), ports.bye, "bye", { pause: BYE_AFTER_MS }),
  };
  await Promise.all([callees.delete.ready, callees.bye.ready]);
  return callees;
}

/**
 * SIPp's result once the clients are done with their calls: a callee still waiting 15 s later (a
 * call the gateway lost) is stopped rather than left to its 120 s timeout, and fails.
 */
export function finished(sipp: SippRun) {
  const timer = setTimeout(() => sipp.stop(), 15_000);
  return sipp.done.finally(() => clearTimeout(timer));
}

/** Who holds what when the node is stopped: the chosen node and each call's holder (node index). */
export interface Stopped {
  readonly victim: number;
  readonly holders: ReadonlyMap<string, number>;
  /** When the signal was sent (epoch ms). */
  readonly at: number;
  readonly exitCode: number | null;
}

/**
 * Starts the load, and once it has run STOP_AFTER_MS and every call placed is answered (Connected
 * through the balancer), sends `signal` to the node holding answered calls of both groups (the most
 * of the rarer group), while the clients go on registering and subscribing.
 */
export async function loadAndStop(cluster: SipCluster, plan: LoadPlan, signal: "SIGKILL" | "SIGTERM") {
  const load = startAcceptanceLoad(cluster, plan);
  const started = Date.now();
  const planned = plan.clients * plan.callTurns;
  const answered = async (calls: readonly LoadedCall[]) => {
    const reads = await Promise.all(
      calls.map((c) =>
        cluster.api(cluster.balancer.baseUrl, "GET", `${SESSIONS}/${c.id}`, plan.phone).catch(failed),
      ),
    );
    return reads.every((r) => r.status === 200 && r.body.status === "Connected");
  };
  for (;;) {
    const { calls, failures } = load.result;
    const placed = calls.length + failures.filter((f) => f.startsWith("call")).length;
    if (Date.now() - started >= STOP_AFTER_MS && placed === planned && (await answered(calls))) break;
    if (Date.now() - started > 30_000)
      throw new Error(`calls not answered in 30 s: ${JSON.stringify(load.result)}`);
    await sleep(200);
  }
  const holders = new Map<string, number>();
  const counts = cluster.nodes.map(() => ({ delete: 0, bye: 0 }));
  for (const call of load.result.calls) {
    const holder = Number((await cluster.owner(call.id))?.nodeId.replace("node-", ""));
    holders.set(call.id, holder);
    const count = counts[holder];
    if (count) count[groupOf(call)] += 1;
  }
  const score = (i: number) => Math.min(counts[i]?.delete ?? 0, counts[i]?.bye ?? 0);
  const victim = counts.map((_, i) => i).sort((a, b) => score(b) - score(a))[0] as number;
  const node = cluster.nodes[victim];
  if (!node || score(victim) === 0)
    throw new Error(`no node holds calls of both groups: ${JSON.stringify(counts)}`);
  const at = Date.now();
  node.child.kill(signal);
  const exitCode = await node.exited;
  await load.done;
  const stopped: Stopped = { victim, holders, at, exitCode };
  return { loaded: load.result, stopped };
}

/** Polls `check` every 200 ms; the ms from `since` until it held, or undefined if not by `deadline`. */
export async function timeUntil(since: number, deadline: number, check: () => Promise<boolean>) {
  while (!(await check())) {
    if (Date.now() > deadline) return undefined;
    await sleep(200);
  }
  return Date.now() - since;
}

/** The ms from the stop until every one of the node's registrations is at Kamailio from another address. */
export function reregistered(
  cluster: SipCluster,
  phone: string,
  loaded: LoadResult,
  stopped: Stopped,
  withinMs: number,
) {
  const victimId = `node-${stopped.victim}`;
  const orphans = loaded.registrations.filter((r) => taggedNode(r.id) === victimId).map((r) => r.id);
  const victimAddress = `127.0.0.1:${cluster.sipPorts[stopped.victim]}`;
  const contactAddress = (line: string) => /@([^;>\s]+)/.exec(line)?.[1] ?? line;
  /** What was still missing at the last look (or why the registrar could not be read). */
  let missing: string[] = [];
  const ms = timeUntil(stopped.at, stopped.at + withinMs, async () => {
    const dump = await cluster.lab.kamcmd("ul.lookup", "location", phone).then(
      (text) => text.split("\n"),
      (e: Error) => [`kamcmd ul.lookup failed: ${e.message}`],
    );
    missing = orphans.filter(
      (id) => !dump.some((line) => line.includes(`rid=${id}`) && contactAddress(line) !== victimAddress),
    );
    if (dump.length === 1) missing.push(dump[0] as string);
    return missing.length === 0;
  });
  return { orphans: orphans.length, ms, missing: () => missing };
}

/** The ms from the stop until every call the node held is held by a live node (the database's view). */
export function takenOver(cluster: SipCluster, stopped: Stopped, withinMs: number) {
  const ids = [...stopped.holders].filter(([, holder]) => holder === stopped.victim).map(([id]) => id);
  const ms = timeUntil(stopped.at, stopped.at + withinMs, async () => {
    const owners = await Promise.all(ids.map((id) => cluster.owner(id)));
    return owners.every((o) => o?.alive === true && o.nodeId !== `node-${stopped.victim}`);
  });
  return { calls: ids.length, ms };
}

/**
 * What a client does with its answered calls after the stop, through the balancer: reads each
 * (Connected, through every entry); the "delete" group held (waiting for the callee's answer to
 * the re-INVITE), resumed (likewise) and deleted; the "bye" group waited on until the callee's BYE
 * ends it (Terminated, its event). A control request that fails is retried 1 s later, as a client
 * would, for RETRY_FOR_MS (`retried` names each retry); past that it is a failure.
 */
export async function controlCalls(
  cluster: SipCluster,
  phone: string,
  sink: SinkReceiver,
  calls: readonly LoadedCall[],
  entries: readonly string[],
) {
  const retried: string[] = [];
  const failures: string[] = [];
  const balancer = cluster.balancer.baseUrl;
  const note = (call: LoadedCall, ack: Acknowledged | undefined) => {
    if (ack) call.acknowledged.push(ack);
  };
  const control = async (call: LoadedCall, method: string, path: string, want: number, body?: unknown) => {
    const giveUp = Date.now() + RETRY_FOR_MS;
    for (;;) {
      const res = await cluster.api(balancer, method, path, phone, body).catch(failed);
      if (res.status === want) return note(call, acknowledgedIn(res.body));
      const line = `${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
      if (Date.now() > giveUp) throw new Error(line);
      retried.push(line);
      await sleep(1000);
    }
  };
  const event = (call: LoadedCall, status: string, reason: RegExp) =>
    sink.waitFor(
      (r) =>
        r.event?.data?.mediaSessionId === call.id &&
        r.event.data?.status === status &&
        reason.test(String(r.event.data?.reason)),
      30_000,
    );
  const one = async (call: LoadedCall) => {
    const path = `${SESSIONS}/${call.id}`;
    for (const entry of entries) {
      const res = await cluster.api(entry, "GET", path, phone).catch(failed);
      if (res.status !== 200 || res.body.status !== "Connected")
        failures.push(`${entry}${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      note(call, acknowledgedIn(res.body));
    }
    if (groupOf(call) === "bye") {
      await event(call, "Terminated", /^BYE \(Reason: Q\.850;cause=16/);
      return control(call, "GET", path, 200);
    }
    await control(call, "PUT", `${path}/status`, 200, { status: "Hold" });
    // The callee's 200 to the hold re-INVITE: a Resume before it would cross it (409, RFC 3261 §14.1).
    await event(call, "Hold", /^200 OK \(re-INVITE\)/);
    await control(call, "PUT", `${path}/status`, 200, { status: "Resume" });
    await event(call, "Resume", /^200 OK \(re-INVITE\)/);
    await control(call, "GET", path, 200);
    await control(call, "DELETE", path, 204);
    await event(call, "Terminated", /./);
  };
  await Promise.all(
    calls.map((call) => one(call).catch((error: Error) => failures.push(`${call.id}: ${error.message}`))),
  );
  return { retried, failures };
}
