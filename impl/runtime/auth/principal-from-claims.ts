import { AuthError, type Principal } from "./principal.ts";

/** E.164: a `+`, a non-zero country-code digit, then 4 to 14 more digits (15 digits at most). */
const E164 = /^\+[1-9][0-9]{4,14}$/;

/** Options shared by every verifier that turns claims into a {@link Principal}. */
export interface ClaimsMappingOptions {
  /** Name of the claim that carries the subscriber's phone number. Default `"phone_number"`. */
  readonly phoneNumberClaim?: string;
}

/**
 * Maps the claims of a verified JWT, or the members of an RFC 7662 introspection answer (the two
 * share their vocabulary, RFC 7662 §2.2), to a {@link Principal}. Call it only after the signature,
 * issuer, audience and times were checked: it checks none of them.
 *
 * A phone number that is not E.164 is dropped rather than guessed at, so a service that needs one
 * answers as if the token named no subscriber.
 *
 * @throws AuthError `malformed` when neither `sub` nor a client identifier names the caller.
 */
export function principalFromClaims(
  claims: Readonly<Record<string, unknown>>,
  options: ClaimsMappingOptions = {},
): Principal {
  const clientId = stringClaim(claims.client_id) ?? stringClaim(claims.azp);
  // RFC 9068 §2.2: for grants with no resource owner, such as client credentials, "the value of
  // "sub" SHOULD correspond to an identifier the authorization server uses to indicate the client".
  const subject = stringClaim(claims.sub) ?? clientId;
  if (subject === undefined) {
    throw new AuthError("malformed", "The token names neither a subject (sub) nor a client (client_id).");
  }
  return {
    subject,
    clientId,
    phoneNumber: toE164(claims[options.phoneNumberClaim ?? "phone_number"]),
    scopes: scopesOf(claims),
    expiresAtMs:
      typeof claims.exp === "number" && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined,
  };
}

/** `+34600000001` and `tel:+34600000001` give `+34600000001`; anything else gives `undefined`. */
export function toE164(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const bare = value.startsWith("tel:") ? value.slice("tel:".length) : value;
  return E164.test(bare) ? bare : undefined;
}

function scopesOf(claims: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  // RFC 8693 §4.2 / RFC 9068 §2.2.3: `scope` is "a JSON string containing a space-separated list of
  // scopes"; some issuers (Azure AD, Okta) send `scp` as an array instead.
  if (typeof claims.scope === "string") return splitScopes(claims.scope);
  if (Array.isArray(claims.scp)) {
    return new Set(claims.scp.filter((s): s is string => typeof s === "string" && s !== ""));
  }
  if (typeof claims.scp === "string") return splitScopes(claims.scp);
  return new Set();
}

function splitScopes(value: string): Set<string> {
  return new Set(value.split(" ").filter((s) => s !== ""));
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
