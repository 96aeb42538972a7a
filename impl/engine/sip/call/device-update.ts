import type { SessionUpdateRequest } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import type { CallLeg } from "./call-leg.ts";
import { IncomingCall } from "./incoming-call.ts";
import { OutgoingCall } from "./outgoing-call.ts";

/**
 * A PUT .../status from the device on its call leg: an incoming call's 183/180/200 (with the answer,
 * or its offer when the INVITE had none), the answer to an offer the network made, hold and resume,
 * or a new offer (UPDATE early, re-INVITE confirmed).
 */
export async function applyDeviceUpdate(call: CallLeg, request: SessionUpdateRequest): Promise<void> {
  if (call instanceof IncomingCall && !call.confirmed && request.offerSdp === undefined) {
    await call.answer(request.status, request.answerSdp);
    return;
  }
  if (call instanceof IncomingCall && !call.confirmed && request.status !== call.status) {
    // An offerless incoming INVITE: the device's first SDP is the offer in 183/200. Any other new
    // offer before the answer travels alone, in an UPDATE (RFC 3311 §5.1) with the current status.
    // RFC 3261 §13.3.1: once the UAS "has sent or received an answer to the initial offer, it MUST
    // NOT generate subsequent offers in any responses to the initial INVITE".
    if (!call.awaitsDeviceOffer)
      throw new EngineError(
        "invalid_state",
        `a new offer before the answer is sent with the current status ${call.status} (UPDATE), not with ${request.status}`,
      );
    await call.answer(request.status, request.offerSdp);
    return;
  }
  if (
    call instanceof OutgoingCall &&
    request.answerSdp !== undefined &&
    (await call.deviceAnswer(request.answerSdp))
  )
    return;
  if (request.status === "Hold" || request.status === "Resume") {
    await call.hold(request.status === "Hold", request.offerSdp);
    return;
  }
  if (request.offerSdp !== undefined) {
    await call.changeMedia(request.offerSdp, request.status);
    return;
  }
  throw new EngineError("invalid_state", `nothing to send for status ${request.status} without SDP`);
}
