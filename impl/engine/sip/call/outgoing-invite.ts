import type { OriginateRequest } from "../../engine.ts";
import { emergencyInvite } from "../emergency/emergency-invite.ts";
import { SOS } from "../emergency/service-urn.ts";
import { sipUriFromAddress } from "../sip-addresses.ts";
import type { Body, URI } from "../sip-core.ts";
import { sdpBody } from "./dialog-requests.ts";
import { inviteIdentity } from "./invite-identity.ts";

/** What an originating INVITE says beyond the dialog's own fields (Call-ID, tags, CSeq, Contact). */
export interface OutgoingInvite {
  /** Request-URI and To. */
  readonly target: URI;
  readonly from: URI;
  readonly fromDisplayName: string | undefined;
  /** Identity (RFC 3325, RFC 3323) and, for an emergency call, RFC 6442 headers. */
  readonly headers: readonly string[];
  readonly body: Body | undefined;
}

/**
 * The INVITE of a call: to the receiver, or for an emergency call to `urn:service:sos` (RFC 5031;
 * RFC 6881 §6.1: the call is marked by the service URN in the Request-URI) with the location of
 * RFC 6442 (emergency-invite.ts); from the caller, or anonymous (invite-identity.ts). `offerSdp`
 * is the anchored offer, if the call has one.
 */
export function outgoingInvite(
  origination: OriginateRequest,
  offerSdp: string | undefined,
  domain: string,
  now: Date,
): OutgoingInvite {
  const caller = sipUriFromAddress(origination.originatorAddress, domain);
  const identity = inviteIdentity(caller, origination.originatorName, origination.anonymous === true);
  if (!origination.emergency)
    return {
      target: sipUriFromAddress(origination.receiverAddress, domain),
      ...identity,
      body: offerSdp !== undefined ? sdpBody(offerSdp) : undefined,
    };
  const entity = `pres:${identity.from.user ? `${identity.from.user}@` : ""}${identity.from.host}`;
  const emergency = emergencyInvite(origination.emergency.location, offerSdp, { entity, domain, now });
  return {
    target: SOS,
    ...identity,
    headers: [...identity.headers, ...emergency.headers],
    body: emergency.body,
  };
}
