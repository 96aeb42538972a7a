import type { DialogStateStore } from "../../dialog-state-store.ts";
import type { SessionRecovery, UnfinishedSession } from "../../engine.ts";
import type { LoggerFactory } from "../sip-core.ts";
import type { CallLeg, CallLegContext } from "./call-leg.ts";
import type { DialogPersistence } from "./dialog-persistence.ts";
import { type LegState, parseLegState } from "./dialog-state.ts";
import { cancelPendingInvite, rejectUnansweredInvite } from "./end-unanswered-invite.ts";
import { RecoveredCall } from "./recovered-call.ts";

export interface DialogRecoveryOptions {
  readonly ctx: CallLegContext;
  readonly loggerFactory: LoggerFactory;
  readonly store: DialogStateStore;
  readonly persistence: DialogPersistence;
  readonly legs: Map<string, CallLeg>;
  /**
   * This process's Contact for a registration: a dialog carried on by another process than the one
   * that made it (a cluster node taking a dead one's calls over) names it in its next requests, which
   * RFC 3261 §12.2.1.2 makes the peer's new remote target ("a target refresh request").
   */
  readonly contactFor: (registrationId: string) => string;
  /** RFC 3264 §8: the SDP last sent to the network in a dialog, whose o= line the next one continues. */
  readonly rememberSentSdp: (callId: string, sdp: string) => void;
}

const BEFORE_ANSWER = "The gateway restarted before the call was answered";

/**
 * Engine.recoverSession for the SIP engine: a session left unfinished by the previous process,
 * carried on from its persisted leg state (dialog-state.ts) when it can be:
 * - a confirmed dialog → a {@link RecoveredCall} (resumed);
 * - an outgoing INVITE with a provisional response → CANCEL (RFC 3261 §9.1), ended Failed;
 * - an incoming INVITE not yet answered → 480 (a final response; the callee may not BYE an early
 *   dialog, RFC 3261 §15), ended Failed;
 * - no state, or state this version cannot read → undefined: the services end it as lost.
 * Whatever is not resumed has its media anchor call deleted and its row removed.
 */
export async function recoverDialog(
  options: DialogRecoveryOptions,
  session: UnfinishedSession,
): Promise<SessionRecovery | undefined> {
  const { ctx, store } = options;
  const id = session.mediaSessionId;
  // Asked again for a call this process carries already (two nodes' requests raced to take it over):
  // one dialog, never two legs on it.
  const carried = options.legs.get(id);
  if (carried && !carried.terminated) return { kind: "resumed" };
  const record = await store.get(id);
  if (!record) return undefined;
  const state = parseLegState(record.state);
  const log = ctx.logger.child({ mediaSessionId: id, callId: record.callId });
  const end = async (outcome: SessionRecovery | undefined) => {
    await ctx.anchor.delete(id);
    await store.delete(id);
    return outcome;
  };
  if (!state) {
    log.warn("the persisted dialog state cannot be read; the call is lost");
    return end(undefined);
  }
  try {
    const resumed = resume(options, id, state);
    if (resumed) {
      log.info(`dialog ${state.callId} carried on after the restart (${state.status})`);
      return resumed;
    }
    return await end(endAttempt(options, state));
  } catch (error) {
    log.warn(`the persisted dialog could not be rebuilt: ${(error as Error).message}`);
    return end(undefined);
  }
}

function resume(options: DialogRecoveryOptions, id: string, state: LegState): SessionRecovery | undefined {
  if (!state.confirmed || !state.dialog || state.dialog.early) return undefined;
  const own = { ...state, contact: options.contactFor(state.registrationId) };
  const leg = new RecoveredCall(id, own, state.dialog, options.ctx);
  options.legs.set(id, leg);
  options.persistence.adopted(leg);
  if (state.sdp.local !== undefined) options.rememberSentSdp(state.callId, state.sdp.local);
  return { kind: "resumed" };
}

/** The call attempt still open toward the network is ended there: CANCEL or a final response. */
function endAttempt(options: DialogRecoveryOptions, state: LegState): SessionRecovery | undefined {
  const { ctx } = options;
  if (state.direction === "originating" && state.pendingInvite) {
    cancelPendingInvite(
      ctx.core,
      state.callId,
      state.pendingInvite,
      'SIP;cause=500;text="Gateway restarted"',
      ctx.logger.child({ callId: state.callId }),
    );
    return { kind: "ended", status: "Failed", reason: `${BEFORE_ANSWER}; the call attempt was cancelled` };
  }
  if (state.direction === "terminating" && state.unansweredInvite) {
    rejectUnansweredInvite(ctx.core, options.loggerFactory, state.unansweredInvite, {
      statusCode: 480,
      reasonPhrase: "Temporarily Unavailable",
      reason: 'SIP;cause=480;text="Gateway restarted"',
    });
    return {
      kind: "ended",
      status: "Failed",
      reason: `${BEFORE_ANSWER}; the call attempt was refused (480)`,
    };
  }
  return undefined;
}
