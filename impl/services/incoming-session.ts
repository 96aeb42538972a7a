import type { IncomingCall } from "../engine/engine.ts";
import type { MediaSessionInformation, Store } from "../store/index.ts";
import type { Clock } from "./clock.ts";
import type { EventPublisher } from "./event-publisher.ts";

/**
 * An incoming call for a registration: stored as a terminating session and announced as
 * session-invitation. False, with nothing stored, when the registration is unknown.
 */
export async function acceptIncomingCall(
  deps: { readonly store: Store; readonly events: EventPublisher; readonly clock: Clock },
  call: IncomingCall,
  correlator: string,
): Promise<boolean> {
  const { store, events, clock } = deps;
  const registration = await store.registrations.get(call.registrationId);
  if (!registration) return false;
  const now = clock.now().toISOString();
  const info: MediaSessionInformation = {
    mediaSessionId: call.mediaSessionId,
    originatorAddress: call.originatorAddress,
    ...(call.originatorName !== undefined ? { originatorName: call.originatorName } : {}),
    receiverAddress: call.receiverAddress,
    status: "Initial",
    ...(call.offerSdp !== undefined ? { offer: { sdp: call.offerSdp } } : { offerRequired: true }),
    sequenceNumber: 1,
  };
  await store.sessions.put({
    mediaSessionId: call.mediaSessionId,
    owner: registration.owner,
    registrationId: call.registrationId,
    deviceId: registration.deviceId,
    direction: "terminating",
    info,
    createdAt: now,
    updatedAt: now,
  });
  await events.publish({
    type: "org.camaraproject.webrtc-events.v0.session-invitation",
    registrationId: call.registrationId,
    device: { owner: registration.owner, deviceId: registration.deviceId },
    correlator,
    data: {
      ...info,
      mediaSessionId: call.mediaSessionId,
      originatorAddress: call.originatorAddress,
      receiverAddress: call.receiverAddress,
      status: "Initial",
    },
  });
  return true;
}
