import { ApiError } from "camara-webrtc-runtime";

/** Operator TTL policy for registrations, in seconds. */
export interface RegistrationTtlPolicy {
  /** TTL_cfg: applied when the client requests no expiry, or one outside [min, max]. */
  readonly defaultSec: number;
  readonly minSec: number;
  readonly maxSec: number;
}

/**
 * What a requested expiry outside [min, max] gets:
 * - `fallback` (webrtc-registration v0.3, r2.2): the operator's TTL_cfg from t_req;
 * - `cap` (v0.4, r3.1): "If the client includes a value exceeding the operator's allowed maximum,
 *   the server caps the value [...] If the client includes a value below the operator's allowed
 *   minimum, a `400 - OUT_OF_RANGE` error response is returned."
 */
export type ExpiryRule = "fallback" | "cap";

/**
 * The expiry of a registration created or refreshed at `requestTime` (t_req).
 *
 * webrtc-registration v0.3 updateRegistrationById: "Apply the operator's configured TTL (TTL_cfg)
 * from t_req, not from t_prev: newExpire = t_req + TTL_cfg". A requested registrationExpireTime
 * is honoured "only if it is later than the operator's minimum TTL and earlier than operator maximum
 * TTL; otherwise it falls back to its own policy". A requested time that is not in the future
 * cannot be a fallback case and is refused with 400 OUT_OF_RANGE.
 */
export function registrationExpiry(
  requestTime: Date,
  requested: string | undefined,
  policy: RegistrationTtlPolicy,
  rule: ExpiryRule = "fallback",
): Date {
  const t = requestTime.getTime();
  if (requested === undefined) return new Date(t + policy.defaultSec * 1000);
  const wanted = Date.parse(requested);
  if (Number.isNaN(wanted))
    throw ApiError.invalidArgument("registrationExpireTime must be an RFC 3339 date-time.");
  if (wanted <= t) {
    throw new ApiError("OUT_OF_RANGE", "registrationExpireTime must be in the future.");
  }
  const ttlSec = (wanted - t) / 1000;
  if (rule === "cap") {
    if (ttlSec < policy.minSec) {
      throw new ApiError(
        "OUT_OF_RANGE",
        `registrationExpireTime must be at least ${policy.minSec} s after the request (the operator's minimum).`,
      );
    }
    return ttlSec > policy.maxSec ? new Date(t + policy.maxSec * 1000) : new Date(wanted);
  }
  return ttlSec >= policy.minSec && ttlSec <= policy.maxSec
    ? new Date(wanted)
    : new Date(t + policy.defaultSec * 1000);
}
