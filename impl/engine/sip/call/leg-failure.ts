import { EngineError, type EngineFailure } from "../../engine-error.ts";

/**
 * A collaborator of a call leg failed (the media anchor rejected an SDP or did not answer, sip.js
 * refused a request): the failure in the engine's vocabulary, so that services map it once
 * (impl/services/to-api-error.ts). The media anchor already throws EngineError (rtpengine failures
 * via impl/engine/media/to-engine-error.ts); anything else becomes `network_rejected`, with `what`
 * and the original message kept for the logs.
 */
export function engineErrorOf(error: unknown, what: string): EngineError {
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError("network_rejected", `${what} failed: ${message}`, { cause: error });
}

/** The final response refusing a SIP request the gateway cannot serve, and the code named in a Reason. */
export interface SipRefusal {
  readonly code: number;
  readonly reasonPhrase: string;
  /** Extra header fields of the response, e.g. Retry-After. */
  readonly headers: readonly string[];
}

/**
 * How a failure refuses an offer from the network (INVITE, re-INVITE, UPDATE, or the answer in a
 * PRACK or ACK, as the Reason of the CANCEL or BYE that ends the call):
 * - invalid_sdp → 488 Not Acceptable Here: RFC 3261 §21.4.26 "the session description ... were not
 *   acceptable";
 * - overloaded → 503 Service Unavailable, Retry-After: RFC 3261 §21.5.4 "temporarily unable to
 *   process the request due to a temporary overloading";
 * - network_unreachable, network_timeout (the anchor did not answer) → 500 with Retry-After:
 *   RFC 3261 §21.5.1 "The client ... MAY retry the request after several seconds";
 * - anything else → 500 Server Internal Error.
 */
export function sipRefusalFor(failure: EngineFailure): SipRefusal {
  switch (failure) {
    case "invalid_sdp":
      return { code: 488, reasonPhrase: "Not Acceptable Here", headers: [] };
    case "overloaded":
      return { code: 503, reasonPhrase: "Service Unavailable", headers: ["Retry-After: 5"] };
    case "network_unreachable":
    case "network_timeout":
      return { code: 500, reasonPhrase: "Server Internal Error", headers: ["Retry-After: 5"] };
    default:
      return { code: 500, reasonPhrase: "Server Internal Error", headers: [] };
  }
}

/** RFC 3326 §2: the Reason header value of a CANCEL or BYE sent because of `refusal`. */
export function reasonFor(refusal: SipRefusal, text: string): string {
  return `SIP;cause=${refusal.code};text="${text.replace(/["\\]/g, "")}"`;
}
