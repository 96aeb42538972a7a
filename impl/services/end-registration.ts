import type { RegistrationRecord, Store } from "../store/index.ts";
import type { EventPublisher } from "./event-publisher.ts";

/** Why a registration ended, as registration-ends names it. */
export type RegistrationEndReason = "NETWORK_TERMINATED" | "REGISTRATION_EXPIRED";

/** Removes a registration and announces registration-ends with the reason. */
export async function endRegistration(
  deps: { readonly store: Store; readonly events: EventPublisher },
  record: RegistrationRecord,
  reason: RegistrationEndReason,
  description: string,
  correlator: string,
): Promise<void> {
  await deps.store.registrations.delete(record.registrationId);
  await deps.events.publish({
    type: "org.camaraproject.webrtc-events.v0.registration-ends",
    registrationId: record.registrationId,
    device: { owner: record.owner, deviceId: record.deviceId },
    correlator,
    data: {
      registrationId: record.registrationId,
      terminationReason: reason,
      terminationDescription: description,
    },
  });
}
