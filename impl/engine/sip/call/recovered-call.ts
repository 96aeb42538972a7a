import { CallLeg, type CallLegContext } from "./call-leg.ts";
import type { LegState, PersistedSipDialog } from "./dialog-state.ts";
import { rebuildSessionDialog } from "./session-dialog-state.ts";

/**
 * An answered call carried on by a new gateway process (restart recovery): its confirmed dialog
 * rebuilt from the persisted state (session-dialog-state.ts), its SDP, peer capabilities and
 * session timer restored. It is controlled as any confirmed leg — hold, resume and new offers by
 * re-INVITE, the network's BYE, re-INVITE and UPDATE answered — and DELETE sends BYE (RFC 3261 §15).
 * The session timer starts a full interval again: the refresher refreshes early, the other side
 * gives the peer's refresh a little longer.
 */
export class RecoveredCall extends CallLeg {
  readonly direction: LegState["direction"];

  constructor(mediaSessionId: string, state: LegState, dialog: PersistedSipDialog, ctx: CallLegContext) {
    super(mediaSessionId, state.registrationId, state.callId, state.contact, ctx, state.correlator);
    this.direction = state.direction;
    this.recover(state, rebuildSessionDialog(ctx.core, dialog));
    const timer = state.sessionTimer;
    // The role "uac" with refresher=uac (or uas) says who refreshes (SessionRefresher.negotiated).
    if (timer)
      this.timer.negotiated({ deltaSec: timer.deltaSec, refresher: timer.weRefresh ? "uac" : "uas" }, "uac");
  }

  /** DELETE: BYE on the confirmed dialog. */
  terminate(): void {
    this.bye('Q.850;cause=16;text="Normal call clearing"');
  }
}
