import type { components } from "../../generated/r2.2/webrtc-call-handling/types.ts";

type SessionStatus = components["schemas"]["SessionStatus"];

/**
 * The SessionStatus values after which a media session accepts no change: the one list the
 * services, the event lifecycle and the demo softphone share. No imports at run time, so the
 * softphone's browser bundle takes it as it is.
 */
export const TERMINAL_STATUSES: ReadonlySet<SessionStatus> = new Set<SessionStatus>([
  "Terminated",
  "SessionCancelled",
  "Declined",
  "Failed",
  "NoAnswer",
  "NotReachable",
  "Busy",
]);
