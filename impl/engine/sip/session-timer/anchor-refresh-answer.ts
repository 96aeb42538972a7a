import { EngineError } from "../../engine-error.ts";
import type { DialogLeg } from "../call/dialog-leg.ts";
import { sdpOrigin } from "../sdp/sdp-origin.ts";

/**
 * RFC 4566 §5.2: "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>",
 * sess-id and sess-version numeric. The SIP layer reads nothing else of the SDP (the anchor does).
 */
const ORIGIN_FIELDS = /^\S+ \d+ \d+ \S+ \S+ \S+$/;

/** What anchoring a refresh's answer uses of the leg. */
export type RefreshAnswerLeg = Pick<
  DialogLeg,
  "acceptAnswer" | "callId" | "log" | "offerAnswer" | "releaseMedia" | "sdp" | "terminated"
>;

/**
 * The answer in a 2xx to a session refresh re-INVITE (RFC 4028 §10: "a re-INVITE with the unchanged
 * SDP"), which ends the refresh's offer/answer exchange.
 * - RFC 3264 §8: "If the version in the origin line does not increment, the SDP MUST be identical to
 *   the SDP with that version number": the o= line the network last sent means nothing changed.
 * - A changed answer (a media move) goes to the media anchor as the network's answer, or the anchor
 *   keeps sending media to the old place. The device is sent nothing: it made no offer (RFC 3264
 *   §2: an answer is sent "in response to an offer received from an offerer").
 * - RFC 4566 §5.2: the o= line is required; without a valid one the answer rejects with
 *   EngineError `invalid_sdp`, and the caller's settle ends the call (BYE, Reason, Failed).
 */
export async function anchorRefreshAnswer(leg: RefreshAnswerLeg, answer: string | undefined): Promise<void> {
  if (answer === undefined || leg.terminated) return leg.offerAnswer.apply({ name: "offer-ended" });
  const origin = sdpOrigin(answer);
  if (origin === undefined || !ORIGIN_FIELDS.test(origin)) {
    leg.offerAnswer.apply({ name: "offer-ended" });
    throw new EngineError(
      "invalid_sdp",
      "the answer to the session refresh has no valid o= line (RFC 4566 §5.2)",
    );
  }
  if (origin === leg.sdp.networkOrigin) return leg.offerAnswer.apply({ name: "offer-ended" });
  const before = leg.sdp.remote;
  const deviceSide = await leg.acceptAnswer(answer);
  if (leg.terminated) {
    leg.releaseMedia(); // the answer may have re-created what the teardown released
    return;
  }
  if (deviceSide !== before)
    leg.log(
      "info",
      `the answer to the session refresh in ${leg.callId} changed the device-side SDP; the device is not sent it (it made no offer)`,
    );
}
