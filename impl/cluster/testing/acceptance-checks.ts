/**
 * The checks of the cluster's acceptance run (impl/cluster/cluster-load.int.test.ts) over what the
 * clients were told: the events each sink received, the calls as SIPp saw them on the wire, and the
 * objects read back. Each returns the problems it found (empty: all is well), so that the test
 * reports every one at once.
 */
import { isDeepStrictEqual } from "node:util";
import type { CloudEventLike, ReceivedNotification } from "../../../conformance/sink/index.ts";
import { inParallel, type LoadedCall, SESSION_STATUS } from "./acceptance-load.ts";
import { type Group, groupOf, type Stopped } from "./acceptance-phase.ts";
import type { SipCluster } from "./sip-cluster.ts";
import { contactPort, type SippMessage, sippCalls } from "./sipp-trace.ts";

/** The status changes a call went through, a status repeated in a row counted once. */
const collapse = (statuses: readonly string[]) => statuses.filter((s, i) => s !== statuses[i - 1]);

/**
 * The session-status events one sink received, against what the API acknowledged for `calls` (the
 * calls whose device subscriptions name this sink, made before the calls):
 * - at least once: a CloudEvent id received again carries the same event;
 * - in order, per subject (the session, `data.mediaSessionId`): taking each id at its first
 *   arrival, `data.sequenceNumber` (the gateway's per-session counter) goes 1, 2, 3 … with no gap
 *   and no step back, and the CloudEvent `time` never goes back;
 * - none lost: every status and sequenceNumber an API response showed for the session is among
 *   them, and the statuses, repeats in a row counted once, are `path(call)`.
 * Events of different sessions are not compared with each other: the gateway orders a sink's
 * events by commit, and two nodes' commits for one sink have no order a client could check.
 */
export function sinkProblems(
  received: readonly ReceivedNotification[],
  calls: readonly LoadedCall[],
  path: (call: LoadedCall) => readonly string[],
): string[] {
  const problems: string[] = [];
  const ids = new Set(calls.map((c) => c.id));
  for (const r of received) {
    if (r.problems.length > 0) problems.push(`${r.event?.id}: ${r.problems.join("; ")}`);
    const subject = String(r.event?.data?.mediaSessionId);
    if (r.event?.type !== SESSION_STATUS || !ids.has(subject))
      problems.push(`an event of no call of this sink: ${r.event?.type} ${subject}`);
  }
  for (const call of calls) {
    const firsts = new Map<string, CloudEventLike>();
    // Accepted deliveries only: one the sink refused is not received (the gateway sends it again).
    for (const r of received.filter((r) => r.status < 300)) {
      const event = r.event;
      if (!event || event.data?.mediaSessionId !== call.id) continue;
      const seen = firsts.get(event.id);
      if (!seen) firsts.set(event.id, event);
      else if (!isDeepStrictEqual(seen, event)) problems.push(`${call.id}: ${event.id} sent again, changed`);
    }
    const events = [...firsts.values()];
    const numbers = events.map((e) => e.data?.sequenceNumber);
    if (
      !isDeepStrictEqual(
        numbers,
        events.map((_, i) => i + 1),
      )
    )
      problems.push(
        `${call.id}: sequenceNumbers in arrival order ${events
          .map((e) => `${e.data?.sequenceNumber} ${e.data?.status} (${e.data?.reason}) ${e.time}`)
          .join(" | ")}`,
      );
    const times = events.map((e) => Date.parse(e.time));
    if (times.some((t, i) => i > 0 && t < (times[i - 1] as number)))
      problems.push(`${call.id}: times in arrival order ${events.map((e) => e.time).join(", ")}`);
    for (const ack of call.acknowledged) {
      if (ack.sequenceNumber === undefined || ack.sequenceNumber === 0) continue;
      const announced = events.some(
        (e) => e.data?.sequenceNumber === ack.sequenceNumber && e.data?.status === ack.status,
      );
      if (!announced)
        problems.push(`${call.id}: acknowledged ${ack.status} #${ack.sequenceNumber} never received`);
    }
    const statuses = collapse(events.map((e) => String(e.data?.status)));
    if (!isDeepStrictEqual(statuses, path(call)))
      problems.push(`${call.id}: statuses ${statuses.join(" → ")}, want ${path(call).join(" → ")}`);
  }
  return problems;
}

/** How SIPp saw one call: the INVITEs and BYEs it received, and whether its own BYE was answered. */
export interface CallOnTheWire {
  /** The Contact port of each INVITE received: the initial one's, then each re-INVITE's. */
  readonly invitePorts: readonly (number | undefined)[];
  /** The direction attribute of each re-INVITE's SDP. */
  readonly reInviteDirections: readonly string[];
  readonly byeReceived: boolean;
  /** SIPp sent a BYE and got 200 for it. */
  readonly byeAnswered: boolean;
}

/** The calls of a SIPp trace, by the number each was made to (the To of its initial INVITE). */
export function callsOnTheWire(trace: string): Map<string, CallOnTheWire> {
  const byNumber = new Map<string, CallOnTheWire>();
  for (const messages of sippCalls(trace).values()) {
    const received = messages.filter((m) => !m.sent);
    const invites = received.filter((m) => m.startLine.startsWith("INVITE "));
    const number = /(\+\d+)/.exec(invites[0]?.header("To") ?? "")?.[1];
    if (!number) continue;
    const bye = messages.findIndex((m) => m.sent && m.startLine.startsWith("BYE "));
    const answered = (m: SippMessage, i: number) =>
      i > bye && !m.sent && m.startLine.startsWith("SIP/2.0 200") && /BYE/.test(m.header("CSeq") ?? "");
    byNumber.set(number, {
      invitePorts: invites.map((m) => contactPort(m.header("Contact"))),
      reInviteDirections: invites
        .slice(1)
        .map((m) => /a=(sendonly|sendrecv|recvonly|inactive)/.exec(m.body)?.[1] ?? "none"),
      byeReceived: received.some((m) => m.startLine.startsWith("BYE ")),
      byeAnswered: bye >= 0 && messages.some(answered),
    });
  }
  return byNumber;
}

/** One object to read back: the path, and the status its read must answer. */
export interface Readback {
  readonly path: string;
  readonly status: number;
  /** The session status the body must show, for sessions. */
  readonly sessionStatus?: string;
}

/** Reads every object through every entry (node or balancer URL), eight at a time; what answered otherwise. */
export async function unreadable(
  cluster: SipCluster,
  phone: string,
  entries: readonly string[],
  objects: readonly Readback[],
): Promise<string[]> {
  const problems: string[] = [];
  const reads = entries.flatMap((entry) => objects.map((object) => ({ entry, object })));
  await inParallel(reads, 8, async ({ entry, object }) => {
    const res = await cluster
      .api(entry, "GET", object.path, phone)
      .catch((e: Error) => ({ status: 0, body: { message: e.message } as Record<string, unknown> }));
    const wrongStatus = object.sessionStatus !== undefined && res.body.status !== object.sessionStatus;
    if (res.status !== object.status || wrongStatus)
      problems.push(`${entry}${object.path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  });
  return problems;
}

/**
 * The calls as SIPp saw them: a "delete" call took two re-INVITEs, the hold (sendonly) and the
 * resume (sendrecv), then a BYE; both re-INVITEs name the Contact of one node, the one that made the
 * call unless `stopped` stopped it (then another one's); a "bye" call's BYE was answered 200.
 */
export function wireProblems(
  cluster: SipCluster,
  stopped: Stopped,
  calls: readonly LoadedCall[],
  traces: Readonly<Record<Group, string>>,
): string[] {
  const problems: string[] = [];
  const wire = { delete: callsOnTheWire(traces.delete), bye: callsOnTheWire(traces.bye) };
  const victimPort = cluster.sipPorts[stopped.victim];
  for (const call of calls) {
    const group = groupOf(call);
    const seen = wire[group].get(call.number);
    const madeOn = cluster.sipPorts[stopped.holders.get(call.id) ?? -1];
    if (!seen) {
      problems.push(`${call.id} (${call.number}): not in the trace of the ${group} callee`);
      continue;
    }
    if (group === "bye") {
      if (!seen.byeAnswered) problems.push(`${call.id}: the callee's BYE unanswered`);
      continue;
    }
    const [first, hold, resume] = seen.invitePorts;
    const movedOn =
      madeOn === victimPort ? cluster.sipPorts.find((p) => p === hold && p !== victimPort) : madeOn;
    const ok =
      seen.invitePorts.length === 3 &&
      first === madeOn &&
      hold !== undefined &&
      hold === movedOn &&
      resume === hold &&
      isDeepStrictEqual(seen.reInviteDirections, ["sendonly", "sendrecv"]) &&
      seen.byeReceived;
    if (!ok)
      problems.push(
        `${call.id}: made from ${madeOn} (stopped: ${victimPort}), INVITE Contact ports ${seen.invitePorts.join(", ")}, ` +
          `re-INVITEs ${seen.reInviteDirections.join(", ")}, BYE ${seen.byeReceived}`,
      );
  }
  return problems;
}
