import { EngineError, type EngineFailure } from "../engine-error.ts";
import { NgError, type NgFailure } from "./ng-client.ts";

/** rtpengine `error-reason` texts that mean the SDP itself is at fault (daemon/call_interfaces.c). */
const SDP_REASONS = /parse SDP|incomplete SDP|no SDP body|invalid SDP|unsupported transport/i;
const UNKNOWN_CALL_REASONS =
  /unknown call-id|unknown call-?id|call-id not found|unknown from-tag|unknown to-tag/i;

/** How each ng failure reaches the services when no more specific reason applies. */
export const NG_FAILURE_TO_ENGINE: Record<NgFailure, EngineFailure> = {
  // The media anchor is part of the gateway's network: silent means unreachable (503 UNAVAILABLE).
  timeout: "network_unreachable",
  closed: "network_unreachable",
  load_limit: "overloaded",
  malformed: "network_rejected",
  error: "network_rejected",
};

/**
 * Translates a failure of an ng command into the engine's vocabulary, once, here. rtpengine's own
 * reason stays in the message (for logs); services map the failure to a CAMARA error.
 */
export function toEngineError(error: unknown, what: string): EngineError {
  if (error instanceof EngineError) return error;
  if (!(error instanceof NgError)) {
    return new EngineError("network_rejected", `media anchor ${what} failed: ${String(error)}`, {
      cause: error,
    });
  }
  const ng = error;
  let failure = NG_FAILURE_TO_ENGINE[ng.failure];
  if (ng.failure === "error" && SDP_REASONS.test(ng.message)) failure = "invalid_sdp";
  if (ng.failure === "error" && UNKNOWN_CALL_REASONS.test(ng.message)) failure = "unknown_session";
  return new EngineError(failure, `media anchor ${what} failed (rtpengine ${ng.command}: ${ng.message})`, {
    cause: ng,
  });
}
