import type { SessionRecovery, SessionStatus, UnfinishedSession } from "../engine/engine.ts";

/** After the answer: the statuses of a confirmed dialog. */
const CONFIRMED: ReadonlySet<SessionStatus> = new Set<SessionStatus>(["Connected", "Hold", "Resume"]);

/**
 * How a session ends when its call leg died with the previous process and no engine carries it on
 * (see Engine.recoverSession): no usable dialog state was persisted for it (Call-ID, tags, CSeq,
 * route set, the INVITE's branch), so nothing can be sent to the network: no BYE, no CANCEL, no
 * final response.
 * - answered (Connected, Hold, Resume) → `Terminated`: the established session is over, which is
 *   what Terminated says after a BYE; the reason tells the client why;
 * - not yet answered (Initial, InProgress, Ringing, Proceeding, Waiting), either direction →
 *   `Failed`: the attempt failed in the gateway, as any other failure to set up a call does. Neither
 *   `SessionCancelled` (nobody cancelled) nor `NotReachable`/`NoAnswer` (the network did not say so)
 *   would be true.
 */
export function lostSessionStatus(session: UnfinishedSession): Extract<SessionRecovery, { kind: "ended" }> {
  return CONFIRMED.has(session.status)
    ? {
        kind: "ended",
        status: "Terminated",
        reason: "The gateway restarted and lost the call; no BYE could be sent",
      }
    : {
        kind: "ended",
        status: "Failed",
        reason: "The gateway restarted before the call was answered; the call attempt was lost",
      };
}
