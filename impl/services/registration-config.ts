import type { EnvReader } from "../env/env-reader.ts";

/** Registration lifetimes and the timers of the registration service (REGISTRATION_*). */
export interface RegistrationConfig {
  readonly registrationTtl: { readonly defaultSec: number; readonly minSec: number; readonly maxSec: number };
  readonly registrationSweepIntervalMs: number;
  /** REGISTRATION_RESTORE_SPREAD_MS: the window over which start-up re-REGISTERs are spread evenly, ms. */
  readonly registrationRestoreSpreadMs: number;
}

/** The REGISTRATION_* variables; MIN ≤ TTL ≤ MAX must hold. */
export function readRegistrationConfig(r: EnvReader): RegistrationConfig {
  const registrationTtl = {
    defaultSec: r.int("REGISTRATION_TTL_SEC", 3600, 60, 604800),
    minSec: r.int("REGISTRATION_TTL_MIN_SEC", 300, 1, 604800),
    maxSec: r.int("REGISTRATION_TTL_MAX_SEC", 86400, 60, 2592000),
  };
  if (
    registrationTtl.minSec > registrationTtl.defaultSec ||
    registrationTtl.defaultSec > registrationTtl.maxSec
  )
    r.problem("REGISTRATION_TTL_MIN_SEC ≤ REGISTRATION_TTL_SEC ≤ REGISTRATION_TTL_MAX_SEC must hold.");
  return {
    registrationTtl,
    registrationSweepIntervalMs: r.int("REGISTRATION_SWEEP_INTERVAL_MS", 5000, 100, 3_600_000),
    registrationRestoreSpreadMs: r.int("REGISTRATION_RESTORE_SPREAD_MS", 10_000, 0, 3_600_000),
  };
}
