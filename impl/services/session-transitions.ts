import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { SessionStatus } from "../engine/engine.ts";

/** Before the call is answered. */
const EARLY: ReadonlySet<SessionStatus> = new Set<SessionStatus>([
  "Initial",
  "InProgress",
  "Ringing",
  "Proceeding",
  "Waiting",
]);
/** After the call is answered. */
const CONFIRMED: ReadonlySet<SessionStatus> = new Set<SessionStatus>(["Connected", "Hold", "Resume"]);

export type Direction = "originating" | "terminating";

/** The outcome of checking a PUT .../status: allowed, or refused with the reason and its class. */
export type TransitionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: "invalid" | "conflict"; readonly message: string };

const invalid = (message: string): TransitionCheck => ({ ok: false, kind: "invalid", message });
const conflict = (message: string): TransitionCheck => ({ ok: false, kind: "conflict", message });

/**
 * Which status a device may set through `PUT /sessions/{id}/status`, given the current status and
 * the side it is on (the call flows of CAMARA r2.2, SupportingDocuments/call-flows):
 * - the receiver of an incoming call answers it: InProgress (183), Ringing (180), Connected (200);
 * - either side changes media in an early dialog (UPDATE) by PUTting the current status with an offer;
 * - the originator of an offerless call answers the network's offer (in a reliable 18x or the 2xx,
 *   RFC 3261 §13.2.1, RFC 3262 §5) by PUTting the current status with an answer: it goes into the
 *   PRACK or the ACK;
 * - in a confirmed dialog either side puts the call on Hold and Resumes it, or sends a new offer
 *   with Connected (re-INVITE);
 * - ending a session is DELETE, and the network decides the other statuses.
 */
export function checkTransition(
  direction: Direction,
  from: SessionStatus,
  to: SessionStatus,
  hasOffer: boolean,
  hasAnswer = false,
): TransitionCheck {
  if (TERMINAL_STATUSES.has(from))
    return conflict(`The session has ended (${from}); it cannot change any more.`);
  if (TERMINAL_STATUSES.has(to))
    return invalid(`status ${to} cannot be set by the client; use DELETE to end a session.`);
  if (to === "Initial" || to === "Proceeding" || to === "Waiting") {
    return invalid(`status ${to} is set by the network, not by the client.`);
  }
  if (EARLY.has(from)) {
    if (hasOffer && to === from) return { ok: true }; // early media change → UPDATE
    if (direction === "originating" && hasAnswer && to === from) return { ok: true }; // answer → PRACK
    if (direction === "terminating" && (to === "InProgress" || to === "Ringing" || to === "Connected"))
      return { ok: true };
    if (direction === "originating")
      return conflict(`The call is not answered yet (${from}); only a new offer can be sent.`);
    return conflict(`A call in status ${from} cannot move to ${to}.`);
  }
  if (CONFIRMED.has(from)) {
    if (to === "Hold") return from === "Hold" ? conflict("The session is already on hold.") : { ok: true };
    if (to === "Resume")
      return from === "Hold" ? { ok: true } : conflict("Only a session on hold can be resumed.");
    if (to === "Connected" && hasOffer) return { ok: true }; // re-INVITE with a new offer
    if (direction === "originating" && hasAnswer && to === from && from === "Connected") return { ok: true }; // answer to an offer in the 2xx → ACK
    return conflict(`A connected session cannot move to ${to}.`);
  }
  return conflict(`A session in status ${from} cannot move to ${to}.`);
}
