import { ApiError, type RequestContext, requirePhoneNumber } from "camara-webrtc-runtime";
import type { RegistrationEngine } from "../engine/engine.ts";
import type { RegistrationRecord, Store } from "../store/index.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import { endRegistration } from "./end-registration.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { type ExpiryRule, type RegistrationTtlPolicy, registrationExpiry } from "./registration-ttl.ts";
import { toApiError } from "./to-api-error.ts";

/** What a client asks for when it creates or refreshes a registration, in any release. */
export interface RegistrationRequest {
  readonly deviceId: string;
  readonly registrationExpireTime?: string | undefined;
}

/**
 * Where the releases differ on registration:
 * - `duplicate`: a new registration of a device that already has one for this phone number;
 *   r2.2 replaces it ("enabling the gateway to clean up any stale sessions"), r3.1 refuses it with
 *   409 ALREADY_EXISTS (a device may hold registrations of several phone numbers, one each);
 * - `expiry`: what a requested expiry outside the operator's range gets (registration-ttl.ts).
 */
export interface RegistrationRules {
  readonly duplicate: "replace" | "refuse";
  readonly expiry: ExpiryRule;
}

/** Registers a device with the network and stores the registration; a stale one of the device is replaced or refused. */
export async function createRegistration(
  deps: {
    readonly store: Store;
    readonly engine: RegistrationEngine;
    readonly events: EventPublisher;
    readonly clock: Clock;
    readonly newId: IdGenerator;
    readonly ttl: RegistrationTtlPolicy;
  },
  ctx: RequestContext,
  body: RegistrationRequest,
  rules: RegistrationRules,
): Promise<RegistrationRecord> {
  const { store, engine, clock } = deps;
  const phoneNumber = requirePhoneNumber(ctx);
  const now = clock.now();
  const expiresAt = registrationExpiry(now, body.registrationExpireTime, deps.ttl, rules.expiry);
  // "only one WebRTC session (registration) is active per device at a time, enabling the gateway
  // to clean up any stale sessions if a new session is initiated on the same device."
  const stale = await store.registrations.findByDevice(phoneNumber, body.deviceId);
  if (stale && rules.duplicate === "refuse" && Date.parse(stale.expiresAt) > now.getTime()) {
    throw new ApiError(
      "ALREADY_EXISTS",
      `Device ${body.deviceId} already has an active registration for this phone number (${stale.registrationId}); refresh or delete it.`,
    );
  }
  if (stale) {
    await engine
      .unregister({ registrationId: stale.registrationId, phoneNumber, correlator: ctx.correlator })
      .catch(() => undefined); // the stale binding is replaced either way
    await endRegistration(
      deps,
      stale,
      "NETWORK_TERMINATED",
      "Replaced by a new registration of the same device",
      ctx.correlator,
    );
  }
  const record: RegistrationRecord = {
    registrationId: deps.newId(),
    owner: phoneNumber,
    deviceId: body.deviceId,
    expiresAt: expiresAt.toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  try {
    await engine.register({ ...record, phoneNumber, expiresAt, correlator: ctx.correlator });
  } catch (error) {
    throw toApiError(error);
  }
  await store.registrations.put(record);
  return record;
}
