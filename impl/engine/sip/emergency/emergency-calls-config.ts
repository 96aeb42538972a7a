/**
 * EMERGENCY_CALLS: whether the SIP engine places emergency calls (urn:service:sos with the device's
 * location, RFC 6442). `on` (default) or `off`; off, an emergency createSession is refused (r3.1:
 * 501 CALLTYPE_EMERGENCY_NOT_SUPPORTED). Each problem is pushed onto `problems`, naming the variable.
 */
export function readEmergencyCallsConfig(env: NodeJS.ProcessEnv, problems: string[]): boolean {
  const value = (env.EMERGENCY_CALLS ?? "on").trim().toLowerCase();
  if (value !== "on" && value !== "off")
    problems.push(`EMERGENCY_CALLS=${env.EMERGENCY_CALLS} must be on or off.`);
  return value !== "off";
}
