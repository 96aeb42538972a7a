import { ApiError, type RequestContext, requirePhoneNumber } from "camara-webrtc-runtime";
import type { RegistrationEngine } from "../engine/engine.ts";
import type { RegistrationRecord, Store } from "../store/index.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import {
  createRegistration,
  type RegistrationRequest,
  type RegistrationRules,
} from "./create-registration.ts";
import { endRegistration, type RegistrationEndReason } from "./end-registration.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { type RegistrationTtlPolicy, registrationExpiry } from "./registration-ttl.ts";
import { restoreRegistration } from "./restore-registration.ts";
import type { SubscriptionLifecycle } from "./subscription-lifecycle.ts";
import { toApiError } from "./to-api-error.ts";

/** A registration as every release shows it (r2.2 `regSessionResponse`, r3.1 `RegSessionResponse`). */
export interface RegistrationView {
  readonly registrationId: string;
  readonly regInfo: { readonly phoneNumber: string; readonly regStatus: "Registered" };
  readonly expiresAt: string;
}

export type { RegistrationRequest, RegistrationRules } from "./create-registration.ts";

export const R2_2_REGISTRATION: RegistrationRules = { duplicate: "replace", expiry: "fallback" };
export const R3_1_REGISTRATION: RegistrationRules = { duplicate: "refuse", expiry: "cap" };

/** getRegistrationsByDeviceId: "maxItems: 10". */
const MAX_LISTED = 10;

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

function toResponse(record: RegistrationRecord): RegistrationView {
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
    async create(
      ctx: RequestContext,
      body: RegistrationRequest,
      rules: RegistrationRules = R2_2_REGISTRATION,
    ): Promise<RegistrationView> {
      return toResponse(await createRegistration(deps, ctx, body, rules));
    },

    async refresh(
      ctx: RequestContext,
      registrationId: string,
      body: { readonly registrationExpireTime?: string | undefined } | undefined,
      rules: RegistrationRules = R2_2_REGISTRATION,
    ): Promise<RegistrationView> {
      const record = await owned(ctx, registrationId);
      const now = clock.now();
      const expiresAt = registrationExpiry(now, body?.registrationExpireTime, deps.ttl, rules.expiry);
      try {
        await engine.refresh({ ...record, phoneNumber: record.owner, expiresAt, correlator: ctx.correlator });
      } catch (error) {
        throw toApiError(error);
      }
      const updated = { ...record, expiresAt: expiresAt.toISOString(), updatedAt: now.toISOString() };
      await store.registrations.put(updated);
      return toResponse(updated);
    },

    /** getRegistrationById: "Returns `404` if the registration does not exist or has expired." */
    async get(ctx: RequestContext, registrationId: string): Promise<RegistrationView> {
      const record = await owned(ctx, registrationId);
      if (Date.parse(record.expiresAt) <= clock.now().getTime()) throw ApiError.notFound("The registration");
      return toResponse(record);
    },

    /**
     * getRegistrationsByDeviceId: the caller's active registrations of the device, at most 10. Those
     * of other phone numbers on the same device belong to other subscribers and are not listed.
     */
    async listByDevice(ctx: RequestContext, deviceId: string): Promise<RegistrationView[]> {
      const phoneNumber = requirePhoneNumber(ctx);
      const record = await store.registrations.findByDevice(phoneNumber, deviceId);
      const active = record && Date.parse(record.expiresAt) > clock.now().getTime() ? [record] : [];
      return active.slice(0, MAX_LISTED).map(toResponse);
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
