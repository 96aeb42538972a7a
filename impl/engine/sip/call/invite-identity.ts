import { URI } from "../sip-core.ts";

/** The caller as an outgoing INVITE names it: From (URI, display name) and the identity headers. */
export interface InviteIdentity {
  readonly from: URI;
  readonly fromDisplayName: string | undefined;
  readonly headers: readonly string[];
}

/**
 * The caller's identity in an INVITE. The gateway, inside the trust domain, asserts the caller it
 * authenticated (RFC 3325 §9.1, P-Asserted-Identity) in either case. An anonymous caller gets the
 * anonymous From of RFC 3323 §4.1.1.3 (`"Anonymous" <sip:anonymous@anonymous.invalid>`) and
 * `Privacy: id`, "the user requests that the Network Asserted Identity be kept private with respect
 * to SIP entities outside the Trust Domain" (RFC 3325 §9.3); otherwise From names the caller and
 * `Privacy: none` (RFC 3323 §4.2).
 */
export function inviteIdentity(caller: URI, name: string | undefined, anonymous: boolean): InviteIdentity {
  const quoted = name ? `"${name.replace(/["\\]/g, "")}" ` : "";
  const asserted = `P-Asserted-Identity: ${quoted}<${caller.toString()}>`;
  if (anonymous)
    return {
      from: new URI("sip", "anonymous", "anonymous.invalid"),
      fromDisplayName: "Anonymous",
      headers: [asserted, "Privacy: id"],
    };
  return { from: caller, fromDisplayName: name || undefined, headers: [asserted, "Privacy: none"] };
}
