/**
 * Session timers (RFC 4028): header parsing, the UAS negotiation rules and the timing rules. The
 * call legs apply them through {@link SessionRefresher} (session-refresher.ts).
 */
export interface SessionExpires {
  /** Seconds. */
  readonly deltaSec: number;
  readonly refresher: "uac" | "uas" | undefined;
}

/** Parses `Session-Expires: 1800;refresher=uac` (or compact `x:`); undefined when absent or malformed. */
export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  if (!value) return undefined;
  const match = /^\s*(\d+)\s*(.*)$/.exec(value);
  if (!match?.[1]) return undefined;
  const refresher = /;\s*refresher\s*=\s*(uac|uas)/i.exec(match[2] ?? "")?.[1]?.toLowerCase();
  return { deltaSec: Number(match[1]), refresher: refresher as SessionExpires["refresher"] };
}

/** RFC 4028 §4: "the minimum value ... MUST NOT be less than 90 seconds". */
export const MIN_SE_FLOOR_SEC = 90;

/** What a UAS does with the session timer of a request (initial INVITE, re-INVITE or UPDATE). */
export type UasSessionTimer =
  /** RFC 4028 §9: the interval is below the UAS's minimum: 422 with this Min-SE. */
  | { readonly reject: 422; readonly minSeSec: number }
  /** Accept: these headers go into the 2xx; `refresher` is who refreshes, in the request's roles. */
  | { readonly deltaSec: number; readonly refresher: "uac" | "uas"; readonly headers: string[] }
  /** No session timer for this request. */
  | undefined;

/**
 * The UAS side of RFC 4028 §9 for one request:
 * - a Session-Expires below our Min-SE (never below the 90 s floor) is refused with 422 and our Min-SE;
 * - otherwise the 2xx echoes the interval with a refresher: the one the UAC asked for, else `uac` when
 *   the UAC supports timers and `uas` when it does not (then the UAS must refresh, since the UAC will
 *   not), and `Require: timer` when the UAC supports timers;
 * - without Session-Expires, an initial INVITE gets no timer; a refresh inside a dialog whose timer
 *   runs (`currentSec`) gets `refresher=uas`, keeping the timer alive with us refreshing.
 */
export function uasSessionTimer(
  request: { readonly sessionExpires: string | undefined; readonly supportsTimer: boolean },
  policy: { readonly minSeSec: number; readonly currentSec?: number },
): UasSessionTimer {
  const minSe = Math.max(policy.minSeSec, MIN_SE_FLOOR_SEC);
  const se = parseSessionExpires(request.sessionExpires);
  const require = request.supportsTimer ? ["Require: timer"] : [];
  if (!se) {
    if (policy.currentSec === undefined) return undefined;
    return {
      deltaSec: policy.currentSec,
      refresher: "uas",
      headers: [`Session-Expires: ${policy.currentSec};refresher=uas`, ...require],
    };
  }
  if (se.deltaSec < minSe) return { reject: 422, minSeSec: minSe };
  const refresher = se.refresher ?? (request.supportsTimer ? "uac" : "uas");
  return {
    deltaSec: se.deltaSec,
    refresher,
    headers: [`Session-Expires: ${se.deltaSec};refresher=${refresher}`, ...require],
  };
}

/**
 * When the refresher sends its refresh: RFC 4028 §10 "at the half-way point of the session interval".
 * @returns milliseconds from the last refresh
 */
export function refreshAfterMs(deltaSec: number): number {
  return (deltaSec * 1000) / 2;
}

/**
 * When the other side gives up on a missing refresh: RFC 4028 §10 "the session expires ... minus
 * the minimum of 32 seconds and one third of the session interval" before the expiry, it sends BYE.
 * @returns milliseconds from the last refresh
 */
export function expireAfterMs(deltaSec: number): number {
  return (deltaSec - Math.min(32, deltaSec / 3)) * 1000;
}
