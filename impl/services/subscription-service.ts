import type { components } from "../../generated/r2.2/webrtc-events/types.ts";
import { ApiError } from "../errors/api-error.ts";
import type { SinkCredential, Store, SubscriptionRecord, SubscriptionRequest } from "../store/index.ts";
import type { DomainEvent, EventPublisher } from "./event-publisher.ts";
import type { RegistrationService } from "./registration-service.ts";
import type { Clock, IdGenerator, RequestContext } from "./request-context.ts";

type Subscription = components["schemas"]["Subscription"];
const SESSION_STATUS = "org.camaraproject.webrtc-events.v0.session-status";
const SESSION_INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";

/**
 * What event delivery needs to know of a subscription's life (impl/events implements it). Without
 * hooks, subscriptions are stored and nothing is delivered (in-process tests).
 */
export interface SubscriptionHooks {
  /** Refuses a sink the gateway must not deliver to, with ApiError INVALID_SINK. */
  admitSink(sink: string): Promise<void>;
  /**
   * The API client deleted a registration, which "frees any resource and invalidates future actions
   * that involve this registration" (deleteRegistrationById): end the subscriptions that need it,
   * each with subscription-ended NETWORK_TERMINATED to its sink.
   */
  registrationDeleted(registrationId: string, correlator: string): Promise<void>;
  /**
   * Stores the subscription (`steps.store`) in publication order, so that it receives exactly the
   * events published after it exists; schedules its end (expiry, token expiry) and delivers
   * `steps.initialEvents()` — the current state when `config.initialEvent` is true — to it alone,
   * read at that same point.
   */
  created(
    record: SubscriptionRecord,
    steps: { store(): Promise<void>; initialEvents(): Promise<readonly DomainEvent[]> },
    correlator: string,
  ): Promise<void>;
}

export interface SubscriptionServiceDeps {
  readonly store: Store;
  readonly events: EventPublisher;
  readonly registrations: RegistrationService;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  readonly hooks?: SubscriptionHooks;
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

  /**
   * initialEvent: "an event as soon as the subscription is created and current situation reflects
   * event request". session-status: the session's current status (its current sequenceNumber, so
   * the next change still increases it); session-invitation: incoming calls not yet answered;
   * registration-ends: none (the registration is active, or the subscription was refused).
   */
  async function initialEvents(record: SubscriptionRecord, correlator: string): Promise<DomainEvent[]> {
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
      await deps.hooks?.admitSink(request.sink);
      const record: SubscriptionRecord = {
        id: deps.newId(),
        owner: phone,
        request,
        status: "ACTIVE",
        startsAt: now.toISOString(),
        expiresAt: request.config.subscriptionExpireTime ?? null,
        eventCount: 0,
      };
      const put = () => store.subscriptions.put(record);
      if (deps.hooks)
        await deps.hooks.created(
          record,
          { store: put, initialEvents: () => initialEvents(record, ctx.correlator) },
          ctx.correlator,
        );
      else await put();
      return toSubscription(record);
    },

    async list(ctx: RequestContext): Promise<Subscription[]> {
      // retrieveNotificationChannelSubscriptionList documents 403 PERMISSION_DENIED only (not
      // INVALID_TOKEN_CONTEXT): a token naming no subscriber has no subscriptions it may list.
      const phone = ctx.principal.phoneNumber;
      if (!phone) {
        throw new ApiError(
          "PERMISSION_DENIED",
          "The access token identifies no subscriber, so it cannot list subscriptions; use a token issued for a subscriber.",
        );
      }
      return (await store.subscriptions.listByOwner(phone)).map(toSubscription);
    },

    async get(ctx: RequestContext, id: string): Promise<Subscription> {
      return toSubscription(await owned(ctx, id));
    },

    async delete(ctx: RequestContext, id: string): Promise<void> {
      const record = await owned(ctx, id);
      // Announced while the record still exists, so that the dispatcher finds its sink; a subscription
      // that already ended (EXPIRED, DELETED) had its subscription-ended then.
      if (record.status === "ACTIVE") {
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
      }
      await store.subscriptions.delete(id);
    },
  };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
