import type { SessionStatus } from "../../engine.ts";
import { answerDirection, sdpDirection, sdpOrigin, withDirection } from "../sdp/sdp-direction.ts";
import { uasSessionTimer } from "../session-timer/session-timer.ts";
import type { IncomingRequestMessage } from "../sip-core.ts";
import type { CallLeg } from "./call-leg.ts";
import { sdpOf } from "./dialog-requests.ts";
import { engineErrorOf, sipRefusalFor } from "./leg-failure.ts";

/** Answers a remote request: a final response code, an SDP body and extra headers. */
export type Respond = (code: number, body?: string, headers?: string[]) => void;

/**
 * A remote UPDATE or re-INVITE, with an offer, without one (a re-INVITE then gets our offer in the
 * 2xx), or as a bare session refresh. The gateway answers at once from the device's last SDP with
 * the direction the offer allows (RFC 3264 §6.1), through the media anchor, and reports a change:
 * Hold when the far end put the call on hold, Resume when it took it off. RFC 3311 §5.2: "If an
 * UPDATE is received that contains an offer, and the UAS has generated an offer ... to which it has
 * not yet received an answer, the UAS MUST reject the UPDATE with a 491 response"; one that arrives
 * while the UAS owes an answer "MUST [be rejected] with a 500 response, and MUST include a
 * Retry-After header field with a randomly chosen value between 0 and 10 seconds".
 *
 * The media anchor sees one offer/answer exchange at a time (RFC 3264 §4), so an offer also waits
 * while the anchor still takes the network's answer to our last offer (`leg.anchoringAnswer`), and
 * while it takes this one (`leg.answerOwed` is set until the answer is sent). That first window is
 * not glare: the network's answer arrived and our re-INVITE, if any, is over, so neither 491
 * sentence applies (RFC 3261 §14.2: 491 is for "an INVITE on a dialog while an INVITE it had sent on
 * that dialog is in progress"; RFC 3311 §5.2 for an offer "to which it has not yet received an
 * answer"). The gateway is still processing the last exchange, the case RFC 3261 §14.2 answers with
 * 500 ("A UAS that receives a second INVITE before it sends the final response to a first INVITE
 * ... MUST return a 500 (Server Internal Error) response ... and MUST include a Retry-After header
 * field with a randomly chosen value of between 0 and 10 seconds"), as RFC 6337 §4.3 does while "[an]
 * ACK transaction associated with an offer/answer is incomplete". A re-INVITE without an offer waits
 * too: its 2xx would carry our offer. An UPDATE without one (a bare refresh) goes on.
 *
 * An offer the media anchor cannot take is refused (488 for an SDP it rejects, 500 or 503 with
 * Retry-After when it is unavailable, see leg-failure.ts) and the session stays as it was (RFC 3261
 * §14.2: "If the UAS ... rejects the re-INVITE ... the session parameters MUST remain unchanged");
 * the device hears of the refusal with its unchanged status. Never rejects: a response that can no
 * longer be sent is logged.
 */
export async function answerRemoteOffer(
  leg: CallLeg,
  method: "UPDATE" | "re-INVITE",
  message: IncomingRequestMessage,
  reply: Respond,
): Promise<void> {
  const { ctx } = leg;
  const respond: Respond = (code, body, headers) => {
    try {
      reply(code, body, headers);
    } catch (error) {
      ctx.log(
        "warn",
        `answering ${method} in ${leg.callId} with ${code} failed: ${(error as Error).message}`,
      );
    }
  };
  const offer = sdpOf(message);
  if (offer && leg.offerPending) return refuse(leg, method, respond, 491, "our own offer awaits its answer");
  if (offer && leg.answerOwed)
    return refuse(leg, method, respond, 500, "an answer to the network's offer is still owed");
  if ((offer || method === "re-INVITE") && leg.anchoringAnswer)
    return refuse(leg, method, respond, 500, "the media anchor is still taking the answer to our offer");
  const timer = leg.confirmed
    ? uasSessionTimer(
        {
          sessionExpires: message.getHeader("session-expires"),
          supportsTimer: /\btimer\b/i.test(message.getHeaders("supported").join(",")),
        },
        {
          minSeSec: ctx.minSeSec,
          ...(leg.timer.interval ? { currentSec: leg.timer.interval.deltaSec } : {}),
        },
      )
    : undefined;
  if (timer && "reject" in timer) return respond(422, undefined, [`Min-SE: ${timer.minSeSec}`]);
  const timerHeaders = timer?.headers ?? [];
  const refreshed = () => {
    if (timer) leg.timer.negotiated({ deltaSec: timer.deltaSec, refresher: timer.refresher }, "uas");
    else if (leg.timer.interval) leg.timer.restart();
  };
  if (!offer) {
    if (method === "re-INVITE") {
      if (!leg.localSdp) return respond(488, undefined, ['Warning: 399 gateway "No session to offer"']);
      // RFC 3261 §14.2: a re-INVITE without an offer gets ours in the 2xx; the answer comes in the ACK.
      leg.offerPending = true;
    }
    respond(200, method === "re-INVITE" ? leg.localSdp : undefined, timerHeaders);
    refreshed();
    return;
  }
  const deviceSdp = leg.deviceSdp;
  if (!deviceSdp)
    return respond(488, undefined, ['Warning: 399 gateway "The device has not given its SDP yet"']);
  const unchanged = sdpOrigin(offer) === leg.networkOrigin && leg.localSdp !== undefined;
  const before = { networkOrigin: leg.networkOrigin, remoteSdp: leg.remoteSdp };
  let remote: string;
  let answer: string;
  // RFC 3311 §5.2: until the answer is sent, another offer gets 500 and the device can start none.
  leg.answerOwed = true;
  try {
    remote = await leg.acceptOffer(offer);
    const direction = sdpDirection(offer);
    answer = await ctx.anchor.answer(
      { ...leg.ids, from: "device" },
      withDirection(deviceSdp, answerDirection(direction, sdpDirection(deviceSdp))),
    );
  } catch (error) {
    leg.answerOwed = false;
    leg.networkOrigin = before.networkOrigin;
    leg.remoteSdp = before.remoteSdp;
    const failure = engineErrorOf(error, `Anchoring the offer in the ${method}`);
    ctx.log("warn", `answering ${method} in ${leg.callId} failed: ${failure.message}`);
    if (leg.terminated) return respond(487);
    const refusal = sipRefusalFor(failure.failure);
    respond(refusal.code, undefined, [...refusal.headers]);
    leg.emit(
      leg.status,
      `${method} from the network refused with ${refusal.code}: the media anchor could not take its offer (${failure.failure})`,
    );
    return;
  }
  leg.answerOwed = false;
  // RFC 3261 §15.1.2: after a BYE "the UAS MUST respond to any pending requests received for that
  // dialog. It is RECOMMENDED that a 487 (Request Terminated) response be generated".
  if (leg.terminated) return respond(487);
  leg.localSdp = answer;
  respond(200, answer, timerHeaders);
  refreshed();
  if (unchanged) return; // a session refresh with the same SDP changes nothing for the device
  const direction = sdpDirection(offer);
  const status: SessionStatus = !leg.confirmed
    ? leg.status
    : direction === "sendonly" || direction === "inactive"
      ? "Hold"
      : leg.status === "Hold"
        ? "Resume"
        : leg.status;
  leg.emit(status, `${method} from the network`, { offerSdp: remote, answerSdp: answer });
}

/** An offer that cannot be taken now: refused, and logged, since the device never hears of it. */
function refuse(leg: CallLeg, method: string, respond: Respond, code: 491 | 500, why: string): void {
  leg.ctx.log("debug", `${method} offer in ${leg.callId} refused ${code}: ${why}`);
  // RFC 3261 §14.2 and RFC 3311 §5.2: a 500 carries "a Retry-After header field with a randomly
  // chosen value between 0 and 10 seconds" (here 1-5: a retry at once would likely meet the same state).
  respond(code, undefined, code === 500 ? [`Retry-After: ${1 + Math.floor(Math.random() * 5)}`] : undefined);
}
