/**
 * The privacy a caller asked for in its Privacy header (RFC 3323 §4.2):
 *   Privacy-hdr = "Privacy" HCOLON priv-value *(";" priv-value)
 *   priv-value  = "header" / "session" / "user" / "none" / "critical" / "id" / token
 * Values are tokens, compared case-insensitively; an unknown token is an extension this gateway
 * does not provide and is ignored.
 */
export type PrivacyToken = "header" | "session" | "user" | "none" | "critical" | "id";

const KNOWN: ReadonlySet<string> = new Set<PrivacyToken>([
  "header",
  "session",
  "user",
  "none",
  "critical",
  "id",
]);

/** The known priv-values of every Privacy header value given (a request may carry several). */
export function parsePrivacy(values: readonly string[]): ReadonlySet<PrivacyToken> {
  const tokens = new Set<PrivacyToken>();
  for (const value of values)
    for (const raw of value.split(/[;,]/)) {
      const token = raw.trim().toLowerCase();
      if (KNOWN.has(token)) tokens.add(token as PrivacyToken);
    }
  return tokens;
}

/**
 * Whether the asserted identity must be withheld from the callee: RFC 3325 §9.3, "id" asks that the
 * P-Asserted-Identity not be passed outside the trust domain, and the device is outside it. "none"
 * asks for no privacy and so does not cancel an "id" given beside it (which would be contradictory;
 * the stricter reading wins).
 */
export function withholdsIdentity(tokens: ReadonlySet<PrivacyToken>): boolean {
  return tokens.has("id");
}
