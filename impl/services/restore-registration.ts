import type { RegistrationEngine } from "../engine/engine.ts";
import { EngineError } from "../engine/engine-error.ts";
import type { Store } from "../store/index.ts";
import type { Clock } from "./clock.ts";
import { endRegistration } from "./end-registration.ts";
import type { EventPublisher } from "./event-publisher.ts";

/**
 * Registers a stored registration with the network again after a restart (its binding lived in
 * the previous process). A refusal ends it with registration-ends NETWORK_TERMINATED, as a refused
 * refresh does; `retry` means the network could not be reached and the caller should try later.
 */
export async function restoreRegistration(
  deps: {
    readonly store: Store;
    readonly engine: RegistrationEngine;
    readonly events: EventPublisher;
    readonly clock: Clock;
  },
  registrationId: string,
  correlator: string,
): Promise<"restored" | "ended" | "gone" | "retry"> {
  const { store, engine, clock } = deps;
  const record = await store.registrations.get(registrationId);
  if (!record || Date.parse(record.expiresAt) <= clock.now().getTime()) return "gone"; // the sweep ends it
  try {
    const expiresAt = new Date(record.expiresAt);
    await engine.refresh({ ...record, phoneNumber: record.owner, expiresAt, correlator });
  } catch (error) {
    const failure = error instanceof EngineError ? error.failure : "network_rejected";
    if (failure === "network_unreachable" || failure === "network_timeout" || failure === "overloaded")
      return "retry";
    const why = error instanceof Error ? error.message : String(error);
    await endRegistration(
      deps,
      record,
      "NETWORK_TERMINATED",
      `The network refused the registration after a gateway restart (${why})`,
      correlator,
    );
    return "ended";
  }
  if (await store.registrations.get(registrationId)) return "restored";
  // Deleted by its client while the REGISTER was out: take the binding back.
  await engine.unregister({ registrationId, phoneNumber: record.owner, correlator }).catch(() => undefined);
  return "gone";
}
