import type { Store, SubscriptionRecord } from "../store/index.ts";
import type { DomainEvent } from "./event-publisher.ts";

const SESSION_STATUS = "org.camaraproject.webrtc-events.v0.session-status";
const SESSION_INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";

/**
 * initialEvent: "an event as soon as the subscription is created and current situation reflects
 * event request". session-status: the session's current status (its current sequenceNumber, so
 * the next change still increases it); session-invitation: incoming calls not yet answered;
 * registration-ends: none (the registration is active, or the subscription was refused).
 */
export async function readInitialEvents(
  store: Store,
  record: SubscriptionRecord,
  correlator: string,
): Promise<DomainEvent[]> {
  // r3.1 (webrtc-events v0.3): "`subscriptionMaxEvents` and `initialEvent` are kept for schema
  // alignment and compatibility, but they are not used for WebRTC calling subscription scenarios."
  if (record.release !== undefined) return [];
  const { request } = record;
  if (!request.config.initialEvent) return [];
  const { registrationId, sessionId } = request.config.subscriptionDetail;
  const [type] = request.types;
  if (type === SESSION_STATUS && sessionId) {
    const session = await store.sessions.get(sessionId);
    if (!session) return [];
    const { status, ...rest } = session.info;
    return [
      {
        type,
        registrationId,
        mediaSessionId: sessionId,
        correlator,
        data: {
          ...rest,
          mediaSessionId: sessionId,
          status: status ?? "Initial",
          sequenceNumber: session.info.sequenceNumber ?? 0,
        },
      },
    ];
  }
  if (type === SESSION_INVITATION) {
    const ringing = (await store.sessions.listByRegistration(registrationId)).filter(
      (s) => s.direction === "terminating" && (s.info.status ?? "Initial") === "Initial",
    );
    return ringing.map((s) => ({
      type,
      registrationId,
      correlator,
      data: {
        ...s.info,
        mediaSessionId: s.mediaSessionId,
        originatorAddress: s.info.originatorAddress ?? "",
        receiverAddress: s.info.receiverAddress ?? "",
        status: "Initial" as const,
      },
    }));
  }
  return [];
}
