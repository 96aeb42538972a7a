import type { SessionStatus } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { parseSessionExpires } from "../session-timer/session-timer.ts";
import type { IncomingResponseMessage } from "../sip-core.ts";
import { startDeviceOffer } from "./device-offer-turn.ts";
import { ALLOW, type DialogLeg } from "./dialog-leg.ts";
import { sdpBody, sdpOf, sendReinvite, sendUpdate } from "./dialog-requests.ts";
import { engineErrorOf } from "./leg-failure.ts";
import { engineFailureFromSip } from "./session-status-from-sip.ts";

/**
 * A device-side media change through the media anchor: UPDATE in an early dialog, re-INVITE in a
 * confirmed one (RFC 3311 §5.1: UPDATE is for changes "before the initial INVITE has been
 * answered"). Resolves once the request is sent; its outcome reaches the client as a session status.
 * What the client hears when something fails:
 * - an exchange is under way ({@link DialogLeg.offerAnswer} not idle): the change waits for its end,
 *   at most {@link DEVICE_TURN_WAIT_MS}, then an EngineError `glare` (409 upstream) with nothing sent;
 * - the anchor refuses the device's offer: an EngineError, nothing sent, the session as it was;
 * - the network refuses the change: the previous status, and why (RFC 3261 §14.1, RFC 3311 §5.1:
 *   "the session parameters MUST remain unchanged"); a 481 or 408 to a re-INVITE ends the dialog;
 * - the anchor refuses the network's answer: the call cannot go on and ends Failed (CallLeg.fail).
 */
export async function changeMedia(leg: DialogLeg, offerSdp: string, status: SessionStatus): Promise<void> {
  const session = leg.session;
  if (!session)
    throw new EngineError("invalid_state", "no dialog yet: the network has not answered the INVITE");
  await startDeviceOffer(leg, "its media could change");
  let sdp: string;
  try {
    sdp = await leg.ctx.anchor.offer({ ...leg.ids, from: "device" }, offerSdp);
  } catch (error) {
    leg.offerAnswer.apply({ name: "offer-ended" });
    throw engineErrorOf(error, "Anchoring the device's offer");
  }
  if (leg.terminated) {
    leg.offerAnswer.apply({ name: "offer-ended" });
    leg.releaseMedia(); // the offer may have re-created what the teardown released
    throw new EngineError("invalid_state", "the call ended while its new offer was anchored");
  }
  const before = { status: leg.status, deviceSdp: leg.sdp.device };
  const method = leg.confirmed ? "re-INVITE" : "UPDATE";
  const done = (response: IncomingResponseMessage) => {
    const code = response.statusCode ?? 500;
    const answer = code >= 200 && code < 300 ? sdpOf(response) : undefined;
    // With an answer, acceptAnswer moves the exchange on; without one, our offer ends here.
    if (!answer) leg.offerAnswer.apply({ name: "offer-ended" });
    leg.notePeer(response);
    const reason = `${code} ${response.reasonPhrase} (${method})`;
    if (code >= 200 && code < 300) {
      leg.sdp.sent(sdp);
      if (leg.confirmed)
        leg.timer.negotiated(parseSessionExpires(response.getHeader("session-expires")), "uac");
      if (answer)
        leg.settle(
          `Anchoring the answer to the ${method}`,
          leg.acceptAnswer(answer).then((a) => leg.emit(status, reason, { answerSdp: a })),
        );
      return;
    }
    // RFC 3261 §14.1 and RFC 3311 §5.1: a failed re-INVITE or UPDATE leaves the session as it was.
    leg.sdp.deviceGave(before.deviceSdp);
    if (leg.confirmed && (code === 481 || code === 408)) {
      // RFC 3261 §14.1: "If a UAC receives a 481 or 408 to a re-INVITE, it MUST terminate the dialog."
      leg.endWithBye('SIP;cause=408;text="Dialog lost"', `${reason}: the dialog is gone`);
      return;
    }
    leg.emit(
      before.status,
      `${reason}: the media change was not applied (${engineFailureFromSip(code, false)})`,
    );
  };
  let sent: Promise<IncomingResponseMessage>;
  try {
    sent = leg.confirmed
      ? sendReinvite(session, {
          body: sdpBody(sdp),
          extraHeaders: [ALLOW, leg.contactHeader(), ...leg.timer.requestHeaders(leg.ctx.minSeSec)],
        })
      : sendUpdate(session, { body: sdpBody(sdp), extraHeaders: [ALLOW, leg.contactHeader()] });
  } catch (error) {
    leg.offerAnswer.apply({ name: "offer-ended" });
    // sip.js refuses a re-INVITE while another INVITE transaction runs in the dialog (RFC 3261 §14.1).
    if (leg.confirmed) throw new EngineError("glare", (error as Error).message, { cause: error });
    throw engineErrorOf(error, "Sending the UPDATE");
  }
  leg.assumeStatus(status);
  leg.sdp.deviceGave(offerSdp);
  leg.settle(`Handling the response to the ${method}`, sent.then(done));
}
