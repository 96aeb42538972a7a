import { ApiError, type RequestContext } from "camara-webrtc-runtime";
import type { components } from "../../generated/r2.2/webrtc-events/types.ts";
import type {
  SinkCredential,
  Store,
  SubscriptionRecord,
  SubscriptionRecordR2_2,
  SubscriptionRequest,
} from "../store/index.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import type { RegistrationService } from "./registration-service.ts";
import type { SubscriptionLifecycle } from "./subscription-lifecycle.ts";
import { subscriptionListerPhone } from "./subscription-lister-phone.ts";

type Subscription = components["schemas"]["Subscription"];
const SESSION_STATUS = "org.camaraproject.webrtc-events.v0.session-status";

export interface SubscriptionServiceDeps {
  readonly store: Store;
  /** The owner of subscription records: it stores, ends and removes them. */
  readonly lifecycle: Pick<SubscriptionLifecycle, "admitSink" | "create" | "delete">;
  readonly registrations: RegistrationService;
  readonly clock: Clock;
  readonly newId: IdGenerator;
}

/** The representation served back: everything but the sink credential, which is a secret. */
function toSubscription(record: SubscriptionRecord): Subscription {
  const { sinkCredential: _secret, ...request } = record.request as SubscriptionRequest & {
    sinkCredential?: unknown;
  };
  return {
    ...request,
    id: record.id,
    startsAt: record.startsAt,
    ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    status: record.status,
  } as Subscription;
}

/** 400 OUT_OF_RANGE unless `value` (RFC 3339) is after `now`. */
export function mustBeFuture(value: string | undefined, now: Date, field: string): void {
  if (value !== undefined && Date.parse(value) <= now.getTime()) {
    throw new ApiError("OUT_OF_RANGE", `${field} must be in the future.`);
  }
}

/** 400 INVALID_CREDENTIAL for a sink credential whose access token has already expired. */
export function mustBeUsable(sinkCredential: unknown, now: Date): void {
  const credential = sinkCredential as SinkCredential | undefined;
  if (
    credential?.accessTokenExpiresUtc !== undefined &&
    Date.parse(credential.accessTokenExpiresUtc) <= now.getTime()
  ) {
    throw new ApiError("INVALID_CREDENTIAL", "sinkCredential.accessTokenExpiresUtc must be in the future.");
  }
}

/** webrtc-events: subscriptions, one event type each, scoped to the caller's registrations. */
export function createSubscriptionService(deps: SubscriptionServiceDeps) {
  const { store, clock } = deps;

  async function owned(ctx: RequestContext, id: string): Promise<SubscriptionRecordR2_2> {
    const record = await store.subscriptions.get(id);
    // An r3.1 subscription (keyed by deviceId, no registrationId) has no r2.2 representation.
    if (!record || record.owner !== ctx.principal.phoneNumber || record.release !== undefined)
      throw ApiError.notFound("The subscription");
    return record;
  }

  return {
    async create(ctx: RequestContext, request: SubscriptionRequest): Promise<Subscription> {
      // createNotificationChannelSubscription documents 403 PERMISSION_DENIED and SUBSCRIPTION_MISMATCH
      // only: a token naming no subscriber is "inconsistent ... for requested events subscription".
      const phone = ctx.principal.phoneNumber;
      if (!phone) {
        throw new ApiError(
          "SUBSCRIPTION_MISMATCH",
          "Inconsistent access token for requested events subscription: it identifies no subscriber.",
        );
      }
      const [type] = request.types;
      // CAMARA event subscriptions: the scope names the event type being subscribed to.
      const scope = `webrtc-events:${type}:create`;
      if (!ctx.principal.scopes.has(scope)) {
        throw new ApiError("PERMISSION_DENIED", `The access token lacks the scope ${scope}.`);
      }
      const detail = request.config.subscriptionDetail;
      const mismatch = () =>
        new ApiError("SUBSCRIPTION_MISMATCH", "Inconsistent access token for requested events subscription.");
      if (!(await deps.registrations.findOwned(ctx, detail.registrationId))) throw mismatch();
      if (type === SESSION_STATUS) {
        if (!detail.sessionId) {
          throw ApiError.invalidArgument(
            "config.subscriptionDetail.sessionId is required for session-status subscriptions.",
          );
        }
        const session = await store.sessions.get(detail.sessionId);
        if (!session || session.owner !== phone || session.registrationId !== detail.registrationId)
          throw mismatch();
      }
      const now = clock.now();
      mustBeFuture(request.config.subscriptionExpireTime, now, "config.subscriptionExpireTime");
      mustBeUsable(request.sinkCredential, now);
      await deps.lifecycle.admitSink(request.sink);
      const record: SubscriptionRecord = {
        id: deps.newId(),
        owner: phone,
        request,
        status: "ACTIVE",
        startsAt: now.toISOString(),
        expiresAt: request.config.subscriptionExpireTime ?? null,
        eventCount: 0,
      };
      await deps.lifecycle.create(record, ctx.correlator);
      return toSubscription(record);
    },

    async list(ctx: RequestContext): Promise<Subscription[]> {
      const phone = subscriptionListerPhone(ctx);
      return (await store.subscriptions.listByOwner(phone))
        .filter((record) => record.release === undefined)
        .map(toSubscription);
    },

    async get(ctx: RequestContext, id: string): Promise<Subscription> {
      return toSubscription(await owned(ctx, id));
    },

    async delete(ctx: RequestContext, id: string): Promise<void> {
      await deps.lifecycle.delete((await owned(ctx, id)).id, ctx.correlator);
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
