import type { SessionStatus } from "../../engine.ts";
import { answerDirection, sdpDirection, withDirection } from "../../sdp-direction.ts";
import { sdpOrigin } from "../sdp/sdp-origin.ts";
import { uasSessionTimer } from "../session-timer/session-timer.ts";
import type { IncomingRequestMessage, UserAgentServer } from "../sip-core.ts";
import { ALLOW, type DialogLeg } from "./dialog-leg.ts";
import { sdpBody, sdpOf } from "./dialog-requests.ts";
import { engineErrorOf, sipRefusalFor } from "./leg-failure.ts";
import type { OfferAnswer, OfferAnswerState } from "./offer-answer.ts";

/** Answers a remote request: a final response code, an SDP body and extra headers. */
export type Respond = (code: number, body?: string, headers?: string[]) => void;

/** What answering a network offer uses of the leg. */
type AnsweringLeg = Pick<
  DialogLeg,
  | "acceptOffer"
  | "callId"
  | "confirmed"
  | "ctx"
  | "emit"
  | "ids"
  | "log"
  | "offerAnswer"
  | "sdp"
  | "status"
  | "terminated"
  | "timer"
>;

type ResponseOptions = NonNullable<Parameters<UserAgentServer["accept"]>[0]>;

/** A {@link Respond} on a server transaction (re-INVITE or UPDATE); its 2xx carries our Contact. */
export function respondWith(
  server: { accept(options: ResponseOptions): unknown; reject(options: ResponseOptions): unknown },
  contactHeader: string,
): Respond {
  return (code, body, headers) => {
    if (code >= 300) server.reject({ statusCode: code, ...(headers ? { extraHeaders: headers } : {}) });
    else
      server.accept({
        statusCode: 200,
        ...(body ? { body: sdpBody(body) } : {}),
        // RFC 3311 §5.2: UPDATE "is a target refresh request"; RFC 3261 §12.1.1: a 2xx carries a Contact.
        extraHeaders: [ALLOW, contactHeader, ...(headers ?? [])],
      });
  };
}

/**
 * A remote UPDATE or re-INVITE: with an offer, answered at once from the device's last SDP with the
 * direction the offer allows (RFC 3264 §6.1), Hold or Resume reported; without one, a refresh (a
 * re-INVITE gets our offer in the 2xx). Whether it may offer now is {@link OfferAnswer.refusal}.
 * RFC 3261 §14.2: if the UAS "rejects the re-INVITE ... the session parameters MUST remain
 * unchanged" (an offer the anchor cannot take). Never rejects.
 */
export async function answerRemoteOffer(
  leg: AnsweringLeg,
  method: "UPDATE" | "re-INVITE",
  message: IncomingRequestMessage,
  reply: Respond,
): Promise<void> {
  const { ctx } = leg;
  const respond: Respond = (code, body, headers) => {
    try {
      reply(code, body, headers);
    } catch (error) {
      leg.log(
        "warn",
        `answering ${method} in ${leg.callId} with ${code} failed: ${(error as Error).message}`,
      );
    }
  };
  const offer = sdpOf(message);
  // An UPDATE without an offer (a bare refresh) goes on; a re-INVITE without one asks for ours.
  const refusal = offer || method === "re-INVITE" ? leg.offerAnswer.refusal("network") : undefined;
  if (refusal) return refuse(leg, method, respond, refusal, BUSY[leg.offerAnswer.state.name]);
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
      if (!leg.sdp.local) return respond(488, undefined, ['Warning: 399 gateway "No session to offer"']);
      // RFC 3261 §14.2: a re-INVITE without an offer gets ours in the 2xx; the answer comes in the ACK.
      leg.offerAnswer.apply({ name: "offer-sent" });
    }
    respond(200, method === "re-INVITE" ? leg.sdp.local : undefined, timerHeaders);
    refreshed();
    return;
  }
  const deviceSdp = leg.sdp.device;
  if (!deviceSdp)
    return respond(488, undefined, ['Warning: 399 gateway "The device has not given its SDP yet"']);
  const unchanged = sdpOrigin(offer) === leg.sdp.networkOrigin && leg.sdp.local !== undefined;
  const { networkOrigin, remote: remoteBefore, network } = leg.sdp.sides;
  let remote: string;
  let answer: string;
  leg.offerAnswer.apply({ name: "offer-received", in: method });
  try {
    remote = await leg.acceptOffer(offer);
    const direction = sdpDirection(offer);
    answer = await ctx.anchor.answer(
      { ...leg.ids, from: "device" },
      withDirection(deviceSdp, answerDirection(direction, sdpDirection(deviceSdp))),
    );
  } catch (error) {
    leg.offerAnswer.apply({ name: "offer-dropped" });
    leg.sdp.restore({ networkOrigin, remote: remoteBefore, network });
    const failure = engineErrorOf(error, `Anchoring the offer in the ${method}`);
    leg.log("warn", `answering ${method} in ${leg.callId} failed: ${failure.message}`);
    if (leg.terminated) return respond(487);
    const refusal = sipRefusalFor(failure.failure);
    respond(refusal.code, undefined, [...refusal.headers]);
    leg.emit(
      leg.status,
      `${method} from the network refused with ${refusal.code}: the media anchor could not take its offer (${failure.failure})`,
    );
    return;
  }
  leg.offerAnswer.apply({ name: "answer-sent" });
  // RFC 3261 §15.1.2: after a BYE "the UAS MUST respond to any pending requests received for that
  // dialog. It is RECOMMENDED that a 487 (Request Terminated) response be generated".
  if (leg.terminated) return respond(487);
  leg.sdp.sent(answer);
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

/** Why an exchange in flight refuses a network offer, by offer/answer state. */
const BUSY: Record<OfferAnswerState["name"], string> = {
  idle: "",
  "local-offer": "our own offer awaits its answer",
  "remote-offer": "an answer to the network's offer is still owed",
  "anchoring-answer": "the media anchor is still taking the answer to our offer",
};

/** An offer that cannot be taken now: refused, and logged, since the device never hears of it. */
function refuse(
  leg: Pick<DialogLeg, "callId" | "log">,
  method: string,
  respond: Respond,
  code: 491 | 500,
  why: string,
): void {
  leg.log("debug", `${method} offer in ${leg.callId} refused ${code}: ${why}`);
  // RFC 3261 §14.2 and RFC 3311 §5.2: a 500 carries "a Retry-After header field with a randomly
  // chosen value between 0 and 10 seconds" (here 1-5: a retry at once would likely meet the same state).
  respond(code, undefined, code === 500 ? [`Retry-After: ${1 + Math.floor(Math.random() * 5)}`] : undefined);
}
