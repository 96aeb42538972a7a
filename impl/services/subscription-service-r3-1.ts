import { ApiError, type RequestContext } from "camara-webrtc-runtime";
import type { components } from "../../generated/r3.1-rc.1/webrtc-events/types.ts";
import type {
  Store,
  SubscriptionRecord,
  SubscriptionRecordR3_1,
  SubscriptionRequestR3_1,
} from "../store/index.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import type { SubscriptionLifecycle } from "./subscription-lifecycle.ts";
import { subscriptionListerPhone } from "./subscription-lister-phone.ts";
import { mustBeFuture, mustBeUsable } from "./subscription-service.ts";

type Schemas = components["schemas"];
type Subscription = Schemas["Subscription"];
type SubscriptionUpdate = Schemas["SubscriptionUpdateRequest"];

export interface SubscriptionServiceR3_1Deps {
  readonly store: Store;
  readonly lifecycle: Pick<SubscriptionLifecycle, "admitSink" | "create" | "delete" | "update">;
  readonly clock: Clock;
  readonly newId: IdGenerator;
}

/** retrieveNotificationChannelSubscriptionList 200: an array of "maxItems: 100". */
export const MAX_LISTED = 100;

const mismatch = (detail: string) =>
  new ApiError(
    "SUBSCRIPTION_MISMATCH",
    `Inconsistent access token for requested events subscription: ${detail}`,
  );

/**
 * A subscription as r3.1 serves it (everything but the secret sink credential). An r2.2 one shows
 * the device of its registration (or the deviceId it named); without either it has no r3.1 form.
 */
async function view(store: Store, record: SubscriptionRecord): Promise<Subscription | undefined> {
  const { sinkCredential: _secret, ...request } = record.request;
  let config: Subscription["config"];
  if (record.release === "r3.1-rc.1") config = record.request.config;
  else {
    const { subscriptionDetail, ...rest } = record.request.config;
    const deviceId =
      (await store.registrations.get(subscriptionDetail.registrationId))?.deviceId ??
      subscriptionDetail.deviceId;
    if (deviceId === undefined) return undefined;
    config = { ...rest, subscriptionDetail: { deviceId } };
  }
  return {
    ...request,
    config,
    id: record.id,
    startsAt: record.startsAt,
    ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    status: record.status,
  } as Subscription;
}

/**
 * webrtc-events v0.3 (r3.1): subscriptions keyed by `deviceId`, up to 3 event types each, updatable
 * (PUT), on the same store and lifecycle as r2.2's.
 */
export function createSubscriptionServiceR3_1(deps: SubscriptionServiceR3_1Deps) {
  const { store, clock } = deps;

  async function owned(ctx: RequestContext, id: string): Promise<SubscriptionRecord> {
    const record = await store.subscriptions.get(id);
    if (!record || record.owner !== ctx.principal.phoneNumber) throw ApiError.notFound("The subscription");
    return record;
  }

  async function shown(record: SubscriptionRecord): Promise<Subscription> {
    const served = await view(store, record);
    if (!served) throw ApiError.notFound("The subscription");
    return served;
  }

  return {
    async create(ctx: RequestContext, request: SubscriptionRequestR3_1): Promise<Subscription> {
      const phone = ctx.principal.phoneNumber;
      if (!phone) throw mismatch("it identifies no subscriber.");
      // CAMARA event subscriptions: the scope names the event type; every requested type needs its own.
      for (const type of request.types) {
        const scope = `webrtc-events:${type}:create`;
        if (!ctx.principal.scopes.has(scope))
          throw new ApiError("PERMISSION_DENIED", `The access token lacks the scope ${scope}.`);
      }
      const { deviceId } = request.config.subscriptionDetail;
      // "session-invitation subscription is required using the deviceId related to a valid registration."
      if (!(await store.registrations.findByDevice(phone, deviceId)))
        throw mismatch(`device ${deviceId} has no registration of this subscriber.`);
      const now = clock.now();
      mustBeFuture(request.config.subscriptionExpireTime, now, "config.subscriptionExpireTime");
      mustBeUsable(request.sinkCredential, now);
      await deps.lifecycle.admitSink(request.sink);
      const record: SubscriptionRecordR3_1 = {
        id: deps.newId(),
        owner: phone,
        release: "r3.1-rc.1",
        request: { ...request, types: [...new Set(request.types)] },
        status: "ACTIVE",
        startsAt: now.toISOString(),
        expiresAt: request.config.subscriptionExpireTime ?? null,
        eventCount: 0,
      };
      await deps.lifecycle.create(record, ctx.correlator);
      return shown(record);
    },

    /** The caller's subscriptions, newest first, at most {@link MAX_LISTED}. */
    async list(ctx: RequestContext): Promise<Subscription[]> {
      const phone = subscriptionListerPhone(ctx);
      const records = (await store.subscriptions.listByOwner(phone)).sort(
        (a, b) => b.startsAt.localeCompare(a.startsAt) || b.id.localeCompare(a.id),
      );
      const views = await Promise.all(records.map((r) => view(store, r)));
      return views.filter((v) => v !== undefined).slice(0, MAX_LISTED);
    },

    async get(ctx: RequestContext, id: string): Promise<Subscription> {
      return shown(await owned(ctx, id));
    },

    /**
     * "Either or both of the following attributes may be updated: sinkCredential,
     * config.subscriptionExpireTime. The subscription sink, event types, and
     * config.subscriptionDetail are not modified by this operation."
     */
    async update(ctx: RequestContext, id: string, body: SubscriptionUpdate): Promise<Subscription> {
      const record = await owned(ctx, id);
      await shown(record);
      const expireTime = body.config?.subscriptionExpireTime;
      if (body.sinkCredential === undefined && expireTime === undefined) {
        throw ApiError.invalidArgument(
          "Give sinkCredential, config.subscriptionExpireTime or both to update.",
        );
      }
      const now = clock.now();
      mustBeFuture(expireTime, now, "config.subscriptionExpireTime");
      mustBeUsable(body.sinkCredential, now);
      const updated = await deps.lifecycle.update(
        record.id,
        (current) =>
          ({
            ...current,
            request: {
              ...current.request,
              ...(body.sinkCredential !== undefined ? { sinkCredential: body.sinkCredential } : {}),
              config: {
                ...current.request.config,
                ...(expireTime !== undefined ? { subscriptionExpireTime: expireTime } : {}),
              },
            },
            expiresAt: expireTime ?? current.expiresAt,
          }) as SubscriptionRecord,
      );
      if (!updated) {
        throw new ApiError(
          "SERVICE_NOT_APPLICABLE",
          `The subscription has ended (${record.status}); create a new one.`,
        );
      }
      return shown(updated);
    },

    async delete(ctx: RequestContext, id: string): Promise<void> {
      await deps.lifecycle.delete((await owned(ctx, id)).id, ctx.correlator);
    },
  };
}

export type SubscriptionServiceR3_1 = ReturnType<typeof createSubscriptionServiceR3_1>;
