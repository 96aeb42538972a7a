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
