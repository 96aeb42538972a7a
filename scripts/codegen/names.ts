/** `createRegistration` → `CreateRegistration`. */
export function pascalCase(identifier: string): string {
  return identifier
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join("");
}

/** `webrtc-call-handling` → `webrtcCallHandling`. */
export function camelCase(identifier: string): string {
  const pascal = pascalCase(identifier);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** A release name as an identifier: `r2.2` → `r2_2`, `r3.1-rc.1` → `r3_1_rc_1`. */
export function releaseIdentifier(release: string): string {
  const id = release.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[0-9]/.test(id) ? `_${id}` : id;
}
