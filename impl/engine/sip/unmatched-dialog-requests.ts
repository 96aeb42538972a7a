import type { DialogStateStore } from "../dialog-state-store.ts";
import type { EngineListener, EngineLogger } from "../engine.ts";
import type { IncomingRequestMessage } from "./sip-core.ts";

/** Seconds a peer is asked to wait before sending again a request refused because a live node carries its dialog. */
export const RETRY_AFTER_SEC = 1;

type Verdict = "here" | "elsewhere" | "unknown";

export interface UnmatchedDialogRequestsOptions {
  readonly dialogs: DialogStateStore;
  /** EngineListener.carryDialog of the current listener; undefined when not in a cluster. */
  readonly carryDialog: () => EngineListener["carryDialog"];
  /** Hands a request back to the user agent (GatewayUserAgent.deliver): the core answers it. */
  readonly deliver: (message: IncomingRequestMessage) => void;
  /** Answers it 500 with Retry-After, statelessly. */
  readonly refuse: (message: IncomingRequestMessage, retryAfterSec: number) => void;
  readonly logger: EngineLogger;
}

/**
 * In-dialog requests matching no dialog of this process, on a cluster node: the call may be another
 * node's, or a dead node's (RFC 3261 §12.2.2: "Accepting the request for acceptable To tags provides
 * robustness, so that dialogs can persist even through crashes"). The dialog is looked up by Call-ID
 * in the store and the cluster decides (EngineListener.carryDialog):
 * - `here` (taken over: the dialog is rebuilt) → the request goes to the core, which now matches it;
 * - `elsewhere` (a live node carries it), or the decision failed → 500 with Retry-After
 *   (RFC 3261 §21.5.1); the peer keeps the session (§14.1: "If a UA receives a non-2xx final
 *   response to a re-INVITE, the session parameters MUST remain unchanged");
 * - no such dialog → the core answers 481 as always.
 * Requests of a Call-ID arriving while its decision is made (UDP retransmissions, a BYE after the
 * re-INVITE) wait for it and follow in order: one takeover, and the core's transactions absorb the
 * retransmissions.
 */
export function unmatchedDialogRequests(options: UnmatchedDialogRequestsOptions) {
  const deciding = new Map<string, Promise<Verdict>>();

  const decide = async (callId: string): Promise<Verdict> => {
    const carry = options.carryDialog();
    const record = carry ? await options.dialogs.findByCallId(callId) : undefined;
    if (!carry || !record) return "unknown";
    const verdict = await carry(record.mediaSessionId);
    options.logger
      .child({ mediaSessionId: record.mediaSessionId, callId })
      .info(
        verdict === "here"
          ? "an in-dialog request for a call this node did not carry: carried here now"
          : "an in-dialog request for a call a live node carries: refused for a retry",
      );
    return verdict;
  };

  const settle = (message: IncomingRequestMessage, verdict: Verdict) => {
    if (verdict === "elsewhere") options.refuse(message, RETRY_AFTER_SEC);
    else options.deliver(message);
  };

  const take = (message: IncomingRequestMessage): boolean => {
    const { callId } = message;
    const running = deciding.get(callId);
    if (running) {
      void running.then((verdict) => settle(message, verdict));
      return true;
    }
    const verdict = decide(callId).catch((error: unknown) => {
      options.logger.child({ callId }).warn(`could not tell which node carries the dialog: ${String(error)}`);
      return "elsewhere" as const;
    });
    deciding.set(callId, verdict);
    void verdict.then((v) => {
      deciding.delete(callId);
      settle(message, v);
    });
    return true;
  };

  return {
    /** GatewayUserAgentOptions.unmatchedInDialog: a handler only in a cluster. */
    handler: () => (options.carryDialog() ? take : undefined),
  };
}
