import type { SessionStatus } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { isIceRestartOnly } from "../../sdp-ice-restart.ts";
import { startDeviceOffer } from "./device-offer-turn.ts";
import type { DialogLeg } from "./dialog-leg.ts";
import { engineErrorOf } from "./leg-failure.ts";

/** What an ICE restart uses of the leg. */
type IceRestartingLeg = Pick<
  DialogLeg,
  "confirmed" | "ctx" | "emit" | "ids" | "log" | "offerAnswer" | "releaseMedia" | "sdp" | "terminated"
>;

/**
 * Whether a device offer in this leg only restarts ICE (a browser's `restartIce()` after a network
 * change) and the media anchor can take it alone: a confirmed dialog, an anchor that renegotiates the
 * WebRTC side by itself, and the network's last SDP to answer with.
 */
export function restartsDeviceIceOnly(leg: IceRestartingLeg, offerSdp: string): boolean {
  return (
    leg.confirmed &&
    leg.ctx.anchor.restartDevice !== undefined &&
    leg.sdp.device !== undefined &&
    leg.sdp.network !== undefined &&
    isIceRestartOnly(leg.sdp.device, offerSdp)
  );
}

/**
 * An ICE restart from the device, answered by the media anchor: the WebRTC side gets new ICE
 * credentials while the network side keeps its addresses, ports and codecs, so no re-INVITE is sent
 * (the SDP the network holds stays valid, and its origin version unchanged, RFC 3264 §8). The device
 * hears the answer in a session status. One offer/answer exchange at a time, as for any device offer:
 * it waits for the one under way (at most DEVICE_TURN_WAIT_MS), then `glare`; an anchor that refuses the offer leaves the call as it was.
 */
export async function restartDeviceIce(
  leg: IceRestartingLeg,
  offerSdp: string,
  status: SessionStatus,
): Promise<void> {
  const restart = leg.ctx.anchor.restartDevice?.bind(leg.ctx.anchor);
  const networkSdp = leg.sdp.network;
  if (!restart || networkSdp === undefined)
    throw new EngineError("invalid_state", "the media anchor cannot restart ICE on its own");
  await startDeviceOffer(leg, "ICE could restart");
  let answer: string;
  try {
    answer = await restart({ ...leg.ids, from: "device" }, offerSdp, networkSdp);
  } catch (error) {
    throw engineErrorOf(error, "Restarting ICE in the media anchor");
  } finally {
    leg.offerAnswer.apply({ name: "offer-ended" });
  }
  if (leg.terminated) {
    leg.releaseMedia(); // the restart may have re-created what the teardown released
    throw new EngineError("invalid_state", "the call ended while its ICE restart was anchored");
  }
  leg.sdp.deviceGave(offerSdp);
  leg.log("info", "ICE restart from the device answered by the media anchor, without a re-INVITE");
  leg.emit(status, "ICE restart answered by the media anchor (no re-INVITE)", { answerSdp: answer });
}
