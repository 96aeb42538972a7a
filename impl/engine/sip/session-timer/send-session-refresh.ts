import { ALLOW, type DialogLeg } from "../call/dialog-leg.ts";
import { sdpBody, sdpOf, sendReinvite, sendUpdate } from "../call/dialog-requests.ts";
import type { IncomingResponseMessage } from "../sip-core.ts";
import { anchorRefreshAnswer, type RefreshAnswerLeg } from "./anchor-refresh-answer.ts";
import { parseSessionExpires } from "./session-timer.ts";

/** What a session refresh uses of the leg. */
type RefreshingLeg = RefreshAnswerLeg &
  Pick<
    DialogLeg,
    "confirmed" | "contactHeader" | "ctx" | "endWithBye" | "peerAllows" | "session" | "settle" | "timer"
  >;

/**
 * RFC 4028 §10: the refresher sends a session refresh request — UPDATE without a body when the peer
 * allows it (no new offer/answer needed), else a re-INVITE with the unchanged SDP. What its final
 * response does:
 * - 2xx: the interval it names runs again (RFC 4028 §7.2); the answer a 2xx to the re-INVITE carries
 *   reaches the media anchor when its o= line changed (see anchor-refresh-answer.ts), and one the
 *   anchor cannot take ends the call Failed with BYE;
 * - 422: one retry at once, with Session-Expires and Min-SE raised to the 422's Min-SE (§7.4);
 * - 408 or 481 (a timeout is a locally made 408): the session ends with BYE (§10; RFC 3261 §12.2.1.2
 *   "the UAC SHOULD terminate the dialog");
 * - anything else: the session goes on and the timer runs again.
 * Runs from the session timer (CallLeg guards it): a request that cannot be built fails the call.
 */
export function sendSessionRefresh(leg: RefreshingLeg, attempt = 1): void {
  const session = leg.session;
  if (!session || !leg.confirmed || leg.terminated) return;
  // An exchange in flight refreshes the session when it completes (RFC 3264 §4: one at a time).
  if (leg.offerAnswer.refusal("device")) {
    leg.timer.restart();
    return;
  }
  const headers = [ALLOW, leg.contactHeader(), ...leg.timer.requestHeaders(leg.ctx.minSeSec)];
  const reinvite = !leg.peerAllows.has("UPDATE");
  const done = (response: IncomingResponseMessage) => {
    const code = response.statusCode ?? 500;
    const answered = reinvite && code >= 200 && code < 300 && !leg.terminated;
    // The re-INVITE's offer ends here unless its answer goes on to the anchor (anchor-refresh-answer.ts).
    if (reinvite && !answered) leg.offerAnswer.apply({ name: "offer-ended" });
    if (leg.terminated) return;
    if (code >= 200 && code < 300) {
      leg.timer.negotiated(parseSessionExpires(response.getHeader("session-expires")), "uac");
      // The UPDATE carried no offer, so its 2xx has no answer to take (RFC 3311 §5.2).
      if (reinvite)
        leg.settle("Anchoring the answer to the session refresh", anchorRefreshAnswer(leg, sdpOf(response)));
    } else if (code === 422 && attempt === 1) {
      leg.timer.raiseTo(Number(response.getHeader("min-se")?.split(";")[0] ?? 0));
      sendSessionRefresh(leg, 2);
    } else if (code === 408 || code === 481) {
      leg.endWithBye(
        'SIP;cause=408;text="Session refresh failed"',
        `${code} ${response.reasonPhrase} to the session refresh (RFC 4028 §10)`,
      );
    } else leg.timer.restart();
  };
  const settle = (sent: Promise<IncomingResponseMessage>) =>
    leg.settle("Handling the response to the session refresh", sent.then(done));
  if (!reinvite) {
    settle(sendUpdate(session, { extraHeaders: headers }));
    return;
  }
  if (!leg.sdp.local) return;
  leg.offerAnswer.apply({ name: "offer-sent" });
  try {
    settle(sendReinvite(session, { body: sdpBody(leg.sdp.local), extraHeaders: headers }));
  } catch {
    // sip.js refuses a re-INVITE while another INVITE transaction runs in the dialog (RFC 3261 §14.1).
    leg.offerAnswer.apply({ name: "offer-ended" });
    leg.timer.restart();
  }
}
