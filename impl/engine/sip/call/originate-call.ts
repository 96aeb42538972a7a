import { randomBytes } from "node:crypto";
import type { OriginateRequest } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { checkLocation } from "../emergency/pidf-lo.ts";
import type { CallLeg, CallLegContext } from "./call-leg.ts";
import { engineErrorOf } from "./leg-failure.ts";
import { OutgoingCall } from "./outgoing-call.ts";

/** What starting an outgoing call needs from the SIP engine. */
export interface OriginationHost {
  readonly ctx: CallLegContext;
  /** The engine's call legs by mediaSessionId. */
  readonly legs: Map<string, CallLeg>;
  readonly domain: string;
  /** Opens the flow to the outbound proxy if it is down; rejects when the proxy cannot be reached. */
  ensureConnected(): Promise<void>;
  contactFor(registrationId: string): string;
  /** Whether the operator offers emergency calls (EMERGENCY_CALLS). */
  readonly emergencyCalls: boolean;
}

/**
 * Starts an outgoing call (CAMARA createSession → INVITE). When the INVITE cannot be sent — the
 * proxy is unreachable, the media anchor refuses or does not answer the device's offer, sip.js
 * refuses the request — nothing reached the network: the leg is forgotten, what the anchor may hold
 * is released, and the failure is thrown as an EngineError, which the services answer with its
 * CAMARA error after deleting the session they stored. An emergency call is refused first when the
 * operator has them off (`not_supported`) or its location is impossible (`invalid_location`).
 */
export async function originateCall(host: OriginationHost, request: OriginateRequest): Promise<void> {
  if (request.emergency) {
    if (!host.emergencyCalls)
      throw new EngineError("not_supported", "emergency calls are off (EMERGENCY_CALLS=off)", {
        clientMessage: "This operator does not place emergency calls through this gateway.",
      });
    // Before anything is anchored or sent: a location the network cannot be told refuses the call.
    if (request.emergency.location) checkLocation(request.emergency.location);
  }
  try {
    await host.ensureConnected();
  } catch (error) {
    throw new EngineError("network_unreachable", `outbound proxy unreachable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const call = new OutgoingCall(
    request,
    host.contactFor(request.registrationId),
    host.domain,
    randomBytes(12).toString("hex"),
    host.ctx,
  );
  host.legs.set(request.mediaSessionId, call);
  try {
    await call.start();
  } catch (error) {
    // Quiet: the client hears of it from the EngineError, as the answer to its POST.
    call.finish("Failed", "the INVITE could not be sent", true);
    throw engineErrorOf(error, "Sending the INVITE");
  }
}
