import { randomUUID } from "node:crypto";
import {
  type AppDeps,
  createApp,
  createSchemaValidator,
  operationHandlers,
  type RequestContext,
  type TokenVerifier,
} from "camara-webrtc-runtime";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { WebrtcCallHandlingHandlers } from "../generated/r2.2/webrtc-call-handling/handlers.ts";
import type { WebrtcEventsHandlers } from "../generated/r2.2/webrtc-events/handlers.ts";
import type { WebrtcRegistrationHandlers } from "../generated/r2.2/webrtc-registration/handlers.ts";
import type { WebrtcCallHandlingHandlers as CallHandlingR3_1 } from "../generated/r3.1-rc.1/webrtc-call-handling/handlers.ts";
import type { WebrtcEventsHandlers as EventsR3_1 } from "../generated/r3.1-rc.1/webrtc-events/handlers.ts";
import type { WebrtcRegistrationHandlers as RegistrationR3_1 } from "../generated/r3.1-rc.1/webrtc-registration/handlers.ts";
import type { Engine, EngineListener } from "./engine/engine.ts";
import { callHandlingHandlers } from "./http/handlers/call-handling-handlers.ts";
import { callHandlingHandlersR3_1 } from "./http/handlers/call-handling-handlers-r3-1.ts";
import { eventsHandlers } from "./http/handlers/events-handlers.ts";
import { eventsHandlersR3_1 } from "./http/handlers/events-handlers-r3-1.ts";
import { registrationHandlers } from "./http/handlers/registration-handlers.ts";
import { registrationHandlersR3_1 } from "./http/handlers/registration-handlers-r3-1.ts";
import type { HttpConfig } from "./http/http-config.ts";
import { loadContract, releaseContract } from "./load-contract.ts";
import { createCallService } from "./services/call-service.ts";
import { type Clock, systemClock } from "./services/clock.ts";
import type { EventPublisher } from "./services/event-publisher.ts";
import { createRegistrationService } from "./services/registration-service.ts";
import type { RegistrationTtlPolicy } from "./services/registration-ttl.ts";
import type { Exclusive } from "./services/session-changes.ts";
import { createSubscriptionLifecycle, type SubscriptionDelivery } from "./services/subscription-lifecycle.ts";
import { createSubscriptionService } from "./services/subscription-service.ts";
import { createSubscriptionServiceR3_1 } from "./services/subscription-service-r3-1.ts";
import type { Store } from "./store/index.ts";

export interface GatewayDeps {
  readonly store: Store;
  /** Builds the engine once the services exist, so that it can report to them. */
  readonly engine: (listener: EngineListener) => Engine;
  readonly verifier: TokenVerifier;
  /** webrtc-events delivery; without it, subscriptions are kept and nothing is delivered (tests). */
  readonly delivery?: SubscriptionDelivery;
  /** Also hears every event the services publish (tests record them). */
  readonly events?: EventPublisher;
  readonly logger: Logger;
  readonly ttl: RegistrationTtlPolicy;
  readonly validateResponses: boolean;
  readonly clock?: Clock;
  readonly newId?: () => string;
  readonly rateLimit?: AppDeps["rateLimit"];
  readonly extraRoutes?: AppDeps["extraRoutes"];
  /** Request body limits and "trust proxy" (HTTP_BODY_*, TRUST_PROXY); defaults in createApp. */
  readonly http?: Partial<Pick<HttpConfig, "bodyLimitBytes" | "bodyMaxDepth" | "trustProxy">>;
  /** More Prometheus registries served at /metrics (event delivery's). */
  readonly metrics?: readonly Registry[];
  /** A cluster node's lock across nodes for a session's changes (impl/cluster/cluster-exclusive.ts). */
  readonly exclusive?: Exclusive;
}

/** Wires store, services, engine and HTTP app; the composition root and the tests both use it. */
export function createGateway(deps: GatewayDeps) {
  const clock = deps.clock ?? systemClock;
  const newId = deps.newId ?? randomUUID;
  const contract = loadContract();
  let engine: Engine | undefined;
  const lazyEngine = () => {
    if (!engine) throw new Error("engine not started");
    return engine;
  };
  const subscriptionLifecycle = createSubscriptionLifecycle({
    store: deps.store,
    clock,
    logger: deps.logger.child({ component: "subscriptions" }),
    ...(deps.delivery ? { delivery: deps.delivery } : {}),
  });
  const tap = deps.events;
  const events: EventPublisher = tap
    ? { publish: async (e) => void (await Promise.all([subscriptionLifecycle.publish(e), tap.publish(e)])) }
    : subscriptionLifecycle;
  const registrations = createRegistrationService({
    store: deps.store,
    engine: {
      register: (r) => lazyEngine().registrations.register(r),
      refresh: (r) => lazyEngine().registrations.refresh(r),
      unregister: (r) => lazyEngine().registrations.unregister(r),
    },
    events,
    clock,
    newId,
    ttl: deps.ttl,
    subscriptions: subscriptionLifecycle,
  });
  const calls = createCallService({
    store: deps.store,
    engine: {
      originate: (r) => lazyEngine().calls.originate(r),
      update: (r) => lazyEngine().calls.update(r),
      terminate: (r) => lazyEngine().calls.terminate(r),
    },
    events,
    registrations,
    clock,
    newId,
    emergencyCalls: () => lazyEngine().emergencyCalls === true,
    ...(deps.exclusive ? { exclusive: deps.exclusive } : {}),
  });
  const subscriptions = createSubscriptionService({
    store: deps.store,
    lifecycle: subscriptionLifecycle,
    registrations,
    clock,
    newId,
  });
  const subscriptionsR3_1 = createSubscriptionServiceR3_1({
    store: deps.store,
    lifecycle: subscriptionLifecycle,
    clock,
    newId,
  });
  engine = deps.engine({
    // What the network causes for a session or registration carries the correlator it began with.
    sessionChanged: (event) => calls.sessionChanged(event, event.correlator ?? randomUUID()),
    incomingCall: async (call) => {
      await calls.incomingCall(call, call.correlator ?? randomUUID());
    },
    registrationEnded: (ended) =>
      registrations.networkEnded(
        ended.registrationId,
        ended.reason,
        ended.description,
        ended.correlator ?? randomUUID(),
      ),
  });

  const r2_2: WebrtcRegistrationHandlers<RequestContext> &
    WebrtcCallHandlingHandlers<RequestContext> &
    WebrtcEventsHandlers<RequestContext> = {
    ...registrationHandlers(registrations),
    ...callHandlingHandlers(calls),
    ...eventsHandlers(subscriptions),
  };
  const r3_1: RegistrationR3_1<RequestContext> &
    CallHandlingR3_1<RequestContext> &
    EventsR3_1<RequestContext> = {
    ...registrationHandlersR3_1(registrations),
    ...callHandlingHandlersR3_1(calls),
    ...eventsHandlersR3_1(subscriptionsR3_1),
  };
  const served = (release: string) => {
    const { apis, specs } = releaseContract(contract, release);
    return { release, apis, specs, schemas: createSchemaValidator(specs) };
  };

  const app = createApp({
    releases: [
      { ...served("r2.2"), handlers: operationHandlers(r2_2) },
      { ...served("r3.1-rc.1"), handlers: operationHandlers(r3_1) },
    ],
    verifier: deps.verifier,
    logger: deps.logger,
    validateResponses: deps.validateResponses,
    ...(deps.rateLimit ? { rateLimit: deps.rateLimit } : {}),
    ...deps.http,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.extraRoutes ? { extraRoutes: deps.extraRoutes } : {}),
    ready: async () => lazyEngine().ready() && (await deps.store.ping()),
  });

  return {
    app,
    services: { registrations, calls, subscriptions, subscriptionLifecycle },
    engine: lazyEngine(),
    contract,
    async close() {
      await lazyEngine().close();
      await subscriptionLifecycle.close();
      await deps.store.close();
    },
  };
}

export type Gateway = ReturnType<typeof createGateway>;
