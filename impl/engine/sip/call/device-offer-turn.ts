import { EngineError } from "../../engine-error.ts";
import type { DialogLeg } from "./dialog-leg.ts";
import { DEVICE_TURN_WAIT_MS } from "./offer-answer.ts";

/**
 * Starts an offer from the device (a media change, an ICE restart): waits for the exchange under way
 * (at most `ctx.deviceTurnWaitMs`, default DEVICE_TURN_WAIT_MS), then moves the leg to local-offer.
 * `invalid_state` when the call ended meanwhile, `glare` (409 upstream) when the wait ran out.
 */
export async function startDeviceOffer(
  leg: Pick<DialogLeg, "ctx" | "offerAnswer" | "terminated">,
  what: string,
): Promise<void> {
  await leg.offerAnswer.deviceTurn(leg.ctx.deviceTurnWaitMs ?? DEVICE_TURN_WAIT_MS);
  if (leg.terminated) throw new EngineError("invalid_state", `the call ended before ${what}`);
  if (leg.offerAnswer.refusal("device"))
    throw new EngineError("glare", "an offer/answer exchange is in progress");
  leg.offerAnswer.apply({ name: "offer-sent" });
}
