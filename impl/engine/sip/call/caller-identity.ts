import { parsePrivacy, withholdsIdentity } from "./privacy.ts";

/**
 * What to do with a P-Asserted-Identity from a peer outside the trust domain: `strip` ignores it
 * and names the caller by From; `refuse` answers 403.
 */
export type UntrustedPaiPolicy = "strip" | "refuse";

/** The identity headers of an incoming INVITE, as far as choosing the caller's identity needs them. */
export interface IdentityHeaders<U> {
  /** The first P-Asserted-Identity, parsed; undefined when absent or unparsable. */
  readonly pai: U | undefined;
  /** Every Privacy header value. */
  readonly privacy: readonly string[];
  readonly from: U;
}

export type CallerIdentityDecision<U> =
  | { readonly identity: U; readonly asserted: boolean }
  | { readonly refuse: { readonly statusCode: 403; readonly reasonPhrase: string } };

/**
 * The identity the device is told of (originatorAddress/originatorName).
 * RFC 3325 §9.1: a proxy receiving P-Asserted-Identity from an element outside the trust domain
 * MUST NOT honour it; from a trusted peer it names the caller, unless Privacy asks for "id" (§9.3:
 * the device is outside the trust domain, so the caller's From names it then).
 */
export function callerIdentity<U>(
  headers: IdentityHeaders<U>,
  trusted: boolean,
  policy: UntrustedPaiPolicy,
): CallerIdentityDecision<U> {
  if (!trusted) {
    if (headers.pai !== undefined && policy === "refuse")
      return {
        refuse: { statusCode: 403, reasonPhrase: "P-Asserted-Identity from outside the trust domain" },
      };
    return { identity: headers.from, asserted: false };
  }
  if (headers.pai === undefined || withholdsIdentity(parsePrivacy(headers.privacy)))
    return { identity: headers.from, asserted: false };
  return { identity: headers.pai, asserted: true };
}
