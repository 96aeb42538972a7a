import type { components } from "../../generated/webrtc-events/types.ts";
import { ApiError } from "../errors/api-error.ts";
import type { SinkCredential, Store, SubscriptionRecord, SubscriptionRequest } from "../store/index.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { requirePhoneNumber } from "./principal-phone.ts";
import type { RegistrationService } from "./registration-service.ts";
import type { Clock, IdGenerator, RequestContext } from "./request-context.ts";

type Subscription = components["schemas"]["Subscription"];
const SESSION_STATUS = "org.camaraproject.webrtc-events.v0.session-status";

export interface SubscriptionServiceDeps {
  readonly store: Store;
  readonly events: EventPublisher;
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

function mustBeFuture(value: string | undefined, now: Date, field: string): void {
  if (value !== undefined && Date.parse(value) <= now.getTime()) {
    throw new ApiError("OUT_OF_RANGE", `${field} must be in the future.`);
  }
}

/** webrtc-events: subscriptions, one event type each, scoped to the caller's registrations. */
export function createSubscriptionService(deps: SubscriptionServiceDeps) {
  const { store, clock } = deps;

  async function owned(ctx: RequestContext, id: string): Promise<SubscriptionRecord> {
    const record = await store.subscriptions.get(id);
    if (!record || record.owner !== ctx.principal.phoneNumber) throw ApiError.notFound("The subscription");
    return record;
  }

  return {
    async create(ctx: RequestContext, request: SubscriptionRequest): Promise<Subscription> {
      const phone = requirePhoneNumber(ctx);
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
      const credential = request.sinkCredential as SinkCredential | undefined;
      if (
        credential?.accessTokenExpiresUtc !== undefined &&
        Date.parse(credential.accessTokenExpiresUtc) <= now.getTime()
      ) {
        throw new ApiError(
          "INVALID_CREDENTIAL",
          "sinkCredential.accessTokenExpiresUtc must be in the future.",
        );
      }
      const record: SubscriptionRecord = {
        id: deps.newId(),
        owner: phone,
        request,
        status: "ACTIVE",
        startsAt: now.toISOString(),
        expiresAt: request.config.subscriptionExpireTime ?? null,
        eventCount: 0,
      };
      await store.subscriptions.put(record);
      return toSubscription(record);
    },

    async list(ctx: RequestContext): Promise<Subscription[]> {
      return (await store.subscriptions.listByOwner(requirePhoneNumber(ctx))).map(toSubscription);
    },

    async get(ctx: RequestContext, id: string): Promise<Subscription> {
      return toSubscription(await owned(ctx, id));
    },

    async delete(ctx: RequestContext, id: string): Promise<void> {
      await owned(ctx, id);
      await store.subscriptions.delete(id);
      await deps.events.publish({
        type: "org.camaraproject.webrtc-events.v0.subscription-ended",
        subscriptionId: id,
        correlator: ctx.correlator,
        data: {
          subscriptionId: id,
          terminationReason: "SUBSCRIPTION_DELETED",
          terminationDescription: "Deleted by the API client",
        },
      });
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
