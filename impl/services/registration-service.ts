import type {
  CreateRegistrationInput,
  UpdateRegistrationByIdInput,
} from "../../generated/r2.2/webrtc-registration/handlers.ts";
import type { components } from "../../generated/r2.2/webrtc-registration/types.ts";
import type { RegistrationEngine } from "../engine/engine.ts";
import { ApiError } from "../errors/api-error.ts";
import type { RegistrationRecord, Store } from "../store/index.ts";
import { endRegistration, type RegistrationEndReason } from "./end-registration.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { requirePhoneNumber } from "./principal-phone.ts";
import { type RegistrationTtlPolicy, registrationExpiry } from "./registration-ttl.ts";
import type { Clock, IdGenerator, RequestContext } from "./request-context.ts";
import { restoreRegistration } from "./restore-registration.ts";
import type { SubscriptionLifecycle } from "./subscription-lifecycle.ts";
import { toApiError } from "./to-api-error.ts";

type RegSessionResponse = components["schemas"]["regSessionResponse"];

export interface RegistrationServiceDeps {
  readonly store: Store;
  readonly engine: RegistrationEngine;
  readonly events: EventPublisher;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly ttl: RegistrationTtlPolicy;
  /** The owner of subscriptions, told when a client deleted a registration (it ends theirs). */
  readonly subscriptions?: Pick<SubscriptionLifecycle, "registrationDeleted">;
}

function toResponse(record: RegistrationRecord): RegSessionResponse {
  return {
    registrationId: record.registrationId,
    regInfo: { phoneNumber: record.owner, regStatus: "Registered" },
    expiresAt: record.expiresAt,
  };
}

/** webrtc-registration: create, refresh and delete device registrations. */
export function createRegistrationService(deps: RegistrationServiceDeps) {
  const { store, engine, clock } = deps;

  async function owned(ctx: RequestContext, registrationId: string): Promise<RegistrationRecord> {
    const record = await store.registrations.get(registrationId);
    // Object-level isolation: another subscriber's registration does not exist for this caller.
    if (!record || record.owner !== ctx.principal.phoneNumber) throw ApiError.notFound("The registration");
    return record;
  }

  const end = (
    record: RegistrationRecord,
    reason: RegistrationEndReason,
    description: string,
    correlator: string,
  ) => endRegistration(deps, record, reason, description, correlator);

  return {
    async create(ctx: RequestContext, body: CreateRegistrationInput["body"]): Promise<RegSessionResponse> {
      const phoneNumber = requirePhoneNumber(ctx);
      const now = clock.now();
      const expiresAt = registrationExpiry(now, body.registrationExpireTime, deps.ttl);
      // "only one WebRTC session (registration) is active per device at a time, enabling the gateway
      // to clean up any stale sessions if a new session is initiated on the same device."
      const stale = await store.registrations.findByDevice(phoneNumber, body.deviceId);
      if (stale) {
        await engine
          .unregister({ registrationId: stale.registrationId, phoneNumber, correlator: ctx.correlator })
          .catch(() => undefined); // the stale binding is replaced either way
        await end(
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
      return toResponse(record);
    },

    async refresh(
      ctx: RequestContext,
      registrationId: string,
      body: UpdateRegistrationByIdInput["body"],
    ): Promise<RegSessionResponse> {
      const record = await owned(ctx, registrationId);
      const now = clock.now();
      const expiresAt = registrationExpiry(now, body?.registrationExpireTime, deps.ttl);
      try {
        await engine.refresh({ ...record, phoneNumber: record.owner, expiresAt, correlator: ctx.correlator });
      } catch (error) {
        throw toApiError(error);
      }
      const updated = { ...record, expiresAt: expiresAt.toISOString(), updatedAt: now.toISOString() };
      await store.registrations.put(updated);
      return toResponse(updated);
    },

    async delete(ctx: RequestContext, registrationId: string): Promise<void> {
      const record = await owned(ctx, registrationId);
      try {
        await engine.unregister({ registrationId, phoneNumber: record.owner, correlator: ctx.correlator });
      } catch (error) {
        throw toApiError(error);
      }
      await store.registrations.delete(registrationId);
      await deps.subscriptions?.registrationDeleted(registrationId, ctx.correlator);
    },

    /** Ends every registration whose expiry has passed; run periodically by the composition root. */
    async sweepExpired(correlator: string): Promise<number> {
      const expired = await store.registrations.listExpiredBy(clock.now().toISOString());
      for (const record of expired) {
        await engine
          .unregister({ registrationId: record.registrationId, phoneNumber: record.owner, correlator })
          .catch(() => undefined);
        await end(record, "REGISTRATION_EXPIRED", "The registration expired without a refresh", correlator);
      }
      return expired.length;
    },

    /** The network ended a registration (e.g. a refused refresh or a NOTIFY of de-registration). */
    async networkEnded(
      registrationId: string,
      reason: RegistrationEndReason,
      description: string,
      correlator: string,
    ) {
      const record = await store.registrations.get(registrationId);
      if (record) await end(record, reason, description, correlator);
    },

    /** Registers a stored registration with the network again after a restart (restore-registration.ts). */
    restore: (registrationId: string, correlator: string) =>
      restoreRegistration(deps, registrationId, correlator),

    /** The registration a session or subscription names, if the caller owns it and it is active. */
    async findOwned(ctx: RequestContext, registrationId: string): Promise<RegistrationRecord | undefined> {
      const record = await store.registrations.get(registrationId);
      return record && record.owner === ctx.principal.phoneNumber ? record : undefined;
    },
  };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;
