import { EngineError } from "../../engine-error.ts";
import type { CallLeg } from "../call/call-leg.ts";
import { sdpOrigin } from "../sdp/sdp-direction.ts";

/**
 * RFC 4566 §5.2: "o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>",
 * sess-id and sess-version numeric. The SIP layer reads nothing else of the SDP (the anchor does).
 */
const ORIGIN_FIELDS = /^\S+ \d+ \d+ \S+ \S+ \S+$/;

/**
 * The answer in a 2xx to a session refresh re-INVITE (RFC 4028 §10: "a re-INVITE with the unchanged
 * SDP"). RFC 3264 §8: "If the version in the origin line does not increment, the SDP MUST be
 * identical to the SDP with that version number", so an answer whose o= line is the one the network
 * last sent (`leg.networkOrigin`) is the same session and nothing is done. But the answerer is free
 * to answer differently than before (a media move gives a new connection address or port, or other
 * directions or codecs): such an answer goes to the media anchor as an answer from the network and
 * becomes the leg's remote SDP (CallLeg.acceptAnswer), or the anchor keeps sending media to the old
 * place.
 *
 * No body: nothing to do (the offer was in the re-INVITE, so the ACK carries nothing). sip.js has
 * ACKed the 2xx already (RFC 3261 §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx
 * received from the transaction layer"). A rejection is for the caller's {@link CallLeg.settle},
 * which ends the call with BYE, a Reason (RFC 3326) and Failed, as for any answer the anchor cannot
 * take (leg-failure.ts):
 * - an SDP without a valid o= line rejects with EngineError `invalid_sdp` (Reason cause 488): it
 *   cannot be told from the session in place, and RFC 4566 §5.2 requires the line;
 * - the anchor refusing the answer rejects with the anchor's error.
 *
 * The device is sent nothing: the SDP the anchor returns for the device side (CallLeg.remoteSdp) is
 * kept, but RFC 3264 §2 defines an answer as "An SDP message sent by an answerer in response to an
 * offer received from an offerer", and the device made no offer here (the gateway made it for the
 * refresh), so there is nothing it could apply; the device's own transport, towards rtpengine, is
 * unchanged by a move on the network side. A changed device-side SDP is logged.
 *
 * @see RFC 4028 §10, RFC 3264 §8, RFC 4566 §5.2, RFC 3261 §13.2.2.4
 */
export async function anchorRefreshAnswer(leg: CallLeg, answer: string | undefined): Promise<void> {
  if (answer === undefined || leg.terminated) return;
  const origin = sdpOrigin(answer);
  if (origin === undefined || !ORIGIN_FIELDS.test(origin))
    throw new EngineError(
      "invalid_sdp",
      "the answer to the session refresh has no valid o= line (RFC 4566 §5.2)",
    );
  if (origin === leg.networkOrigin) return;
  const before = leg.remoteSdp;
  const deviceSide = await leg.acceptAnswer(answer);
  if (leg.terminated) {
    leg.releaseMedia(); // the answer may have re-created what the teardown released
    return;
  }
  if (deviceSide !== before)
    leg.ctx.log(
      "info",
      `the answer to the session refresh in ${leg.callId} changed the device-side SDP; the device is not sent it (it made no offer)`,
    );
}
