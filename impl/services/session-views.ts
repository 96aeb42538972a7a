import type { components as R2_2 } from "../../generated/r2.2/webrtc-call-handling/types.ts";
import type { components as R3_1 } from "../../generated/r3.1-rc.1/webrtc-call-handling/types.ts";
import type { MediaSessionInformation } from "../store/index.ts";

/** r2.2's `Address` pattern (webrtc-call-handling v0.3): no `urn:service:sos`. */
const R2_2_ADDRESS = /^(tel:\+[0-9]{5,15}|sip:[A-Za-z0-9_.!%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})$/;

/**
 * A stored session as r2.2 serves it: without r3.1's `callType` and `locationDetails`. A session
 * whose addresses r2.2's grammar cannot express (an r3.1 emergency call to `urn:service:sos`) does
 * not exist for r2.2: undefined, which its handlers answer with 404.
 */
export function sessionViewR2_2(
  info: MediaSessionInformation,
): R2_2["schemas"]["MediaSessionInformation"] | undefined {
  const { callType: _callType, locationDetails: _location, ...view } = info;
  for (const address of [view.originatorAddress, view.receiverAddress]) {
    if (address !== undefined && !R2_2_ADDRESS.test(address)) return undefined;
  }
  return view;
}

/**
 * A stored session as r3.1 serves it (`MediaSessionResponse`): the fields r3.1 removed
 * (clientCorrelator, serverCorrelator, callObjectRef, offerRequired, reason, sequenceNumber) are
 * left out. `offer` is required in r3.1: an incoming call that came without one shows `{}` (its
 * SDP is absent) until the client sends its offer.
 */
export function sessionViewR3_1(info: MediaSessionInformation): R3_1["schemas"]["MediaSessionResponse"] {
  return {
    mediaSessionId: info.mediaSessionId ?? "",
    status: info.status ?? "Initial",
    originatorAddress: info.originatorAddress ?? "",
    receiverAddress: info.receiverAddress ?? "",
    offer: info.offer ?? {},
    ...(info.originatorName !== undefined ? { originatorName: info.originatorName } : {}),
    ...(info.receiverName !== undefined ? { receiverName: info.receiverName } : {}),
    ...(info.answer !== undefined ? { answer: info.answer } : {}),
    ...(info.callType !== undefined ? { callType: info.callType } : {}),
    ...(info.locationDetails !== undefined ? { locationDetails: info.locationDetails } : {}),
  };
}
