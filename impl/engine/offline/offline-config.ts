import type { EnvReader } from "../../env/env-reader.ts";
import { readEmergencyCallsConfig } from "../sip/emergency/emergency-calls-config.ts";

/** The offline engine's settings (ENGINE=offline). */
export interface OfflineConfig {
  /**
   * EMERGENCY_CALLS, as for the SIP engine: on, an emergency originate is accepted (and ends
   * NotReachable like any other); off, it is refused (r3.1: 501 CALLTYPE_EMERGENCY_NOT_SUPPORTED).
   */
  readonly emergencyCalls: boolean;
}

/** The variables the offline engine honours: EMERGENCY_CALLS (`on` or `off`, default `on`). */
export function readOfflineConfig(r: EnvReader): OfflineConfig {
  return { emergencyCalls: readEmergencyCallsConfig(r.env, r.problems) };
}
