import type { SessionStatus } from "../../engine.ts";
import type { EngineFailure } from "../../engine-error.ts";

/**
 * Translation between SIP and the CAMARA SessionStatus vocabulary, in one place (ARCHITECTURE.md
 * "SIP interworking"; CAMARA r2.2 SupportingDocuments/call-flows).
 */

/** What happened to an INVITE besides a response: transaction timeout, transport failure, gateway no-answer timer. */
export type InviteOutcome =
  | { readonly response: number }
  | { readonly timeout: "timer-b" | "no-answer" }
  | { readonly transportError: true };

/**
 * The status a session takes when its INVITE gets a response (or none). `undefined` means no change
 * (100 Trying, or 199 which ends one early dialog only).
 *
 * - 180 → Ringing, 181 (forwarded) → Proceeding, 182 (queued) → Waiting, 183 and other 1xx → InProgress;
 * - 2xx → Connected;
 * - 486 and 600 → Busy; 408, Timer B and the no-answer timer → NoAnswer; 404, 480, 410, 484, 604 → NotReachable;
 *   603 → Declined; 487 → SessionCancelled; any other 3xx–6xx and transport errors → Failed.
 */
export function sessionStatusFromInvite(outcome: InviteOutcome): SessionStatus | undefined {
  if ("timeout" in outcome) return "NoAnswer";
  if ("transportError" in outcome) return "Failed";
  const code = outcome.response;
  if (code === 100 || code === 199) return undefined;
  if (code === 180) return "Ringing";
  if (code === 181) return "Proceeding";
  if (code === 182) return "Waiting";
  if (code > 100 && code < 200) return "InProgress";
  if (code >= 200 && code < 300) return "Connected";
  switch (code) {
    case 486:
    case 600:
      return "Busy";
    case 408:
      return "NoAnswer";
    case 404:
    case 410:
    case 480:
    case 484:
    case 604:
      return "NotReachable";
    case 603:
      return "Declined";
    case 487:
      return "SessionCancelled";
    default:
      return "Failed";
  }
}

/** The provisional or final response an incoming call's receiver sends for a device-side status. */
export function responseForDeviceStatus(status: SessionStatus): { code: number; reason: string } | undefined {
  switch (status) {
    case "InProgress":
      return { code: 183, reason: "Session Progress" };
    case "Ringing":
      return { code: 180, reason: "Ringing" };
    case "Proceeding":
      return { code: 181, reason: "Call Is Being Forwarded" };
    case "Waiting":
      return { code: 182, reason: "Queued" };
    case "Connected":
      return { code: 200, reason: "OK" };
    default:
      return undefined;
  }
}

/**
 * The engine failure a refused non-INVITE request (REGISTER, UPDATE, re-INVITE) means to the services.
 * sip.js turns a transport error into a local 503 and a transaction timeout into a local 408
 * (RFC 3261 §8.1.3.1); `local` tells those apart from responses the network sent.
 */
export function engineFailureFromSip(code: number, local: boolean): EngineFailure {
  if (local && code === 503) return "network_unreachable";
  if (code === 408) return "network_timeout";
  if (code === 491) return "glare";
  if (code === 488 || code === 606) return "invalid_sdp";
  if (code === 481) return "unknown_session";
  if (code === 503 || code === 486 || code === 600) return "overloaded";
  return "network_rejected";
}
