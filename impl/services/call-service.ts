import { ApiError, type RequestContext } from "camara-webrtc-runtime";
import type { CreateSessionInput } from "../../generated/r2.2/webrtc-call-handling/handlers.ts";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { CallEngine, IncomingCall, SessionEvent } from "../engine/engine.ts";
import type { MediaSessionInformation, SessionRecord, Store } from "../store/index.ts";
import { createCallOrigination } from "./call-origination.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import { createR22Session } from "./create-r22-session.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { acceptIncomingCall } from "./incoming-session.ts";
import type { RegistrationService } from "./registration-service.ts";
import { createSessionChanges, type Exclusive } from "./session-changes.ts";
import { type StatusChange, updateSessionStatus } from "./session-status-update.ts";
import { toApiError } from "./to-api-error.ts";

export type { NewCall } from "./call-origination.ts";

import type { NewCall } from "./call-origination.ts";

export { ANONYMOUS_ADDRESS } from "./call-origination.ts";

export type { StatusChange } from "./session-status-update.ts";

export interface CallServiceDeps {
  readonly store: Store;
  readonly engine: CallEngine;
  readonly events: EventPublisher;
  readonly registrations: RegistrationService;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** Whether the engine places emergency calls (Engine.emergencyCalls); default: it does not. */
  readonly emergencyCalls?: () => boolean;
  /** Serialises a session's changes across gateway nodes (session-changes.ts); none for one process. */
  readonly exclusive?: Exclusive;
}

/** webrtc-call-handling: originate, answer, change and end media sessions; apply network events. */
export function createCallService(deps: CallServiceDeps) {
  const { store, engine } = deps;
  const origination = createCallOrigination(deps);
  const changes = createSessionChanges(deps);

  async function owned(ctx: RequestContext, mediaSessionId: string): Promise<SessionRecord> {
    const record = await store.sessions.get(mediaSessionId);
    if (!record || record.owner !== ctx.principal.phoneNumber) throw ApiError.notFound("The media session");
    return record;
  }

  return {
    /** r2.2 createSession: the fields r2.2 forbids on creation, and its clientCorrelator idempotency. */
    create: (ctx: RequestContext, registrationId: string, body: CreateSessionInput["body"]) =>
      createR22Session({ store, origination }, ctx, registrationId, body),

    /**
     * r3.1 createSession (MediaSessionCreate): no clientCorrelator; an anonymous caller
     * ({@link ANONYMOUS_ADDRESS}); emergency calls (`callType: EMERGENCY` or an `urn:service:sos`
     * receiver) go out with the device's location when the engine places them, else 501
     * CALLTYPE_EMERGENCY_NOT_SUPPORTED.
     */
    async createCall(
      ctx: RequestContext,
      registrationId: string,
      call: NewCall,
    ): Promise<MediaSessionInformation> {
      return origination.place(
        ctx,
        registrationId,
        call,
        await origination.admit(ctx, registrationId, call, true),
        {},
      );
    },

    async get(ctx: RequestContext, mediaSessionId: string): Promise<MediaSessionInformation> {
      return (await owned(ctx, mediaSessionId)).info;
    },

    async updateStatus(
      ctx: RequestContext,
      mediaSessionId: string,
      body: StatusChange | undefined,
    ): Promise<MediaSessionInformation> {
      return updateSessionStatus(
        { engine, changes },
        ctx,
        mediaSessionId,
        await owned(ctx, mediaSessionId),
        body,
      );
    },

    async delete(ctx: RequestContext, mediaSessionId: string): Promise<void> {
      const record = await owned(ctx, mediaSessionId);
      const from = record.info.status ?? "Initial";
      if (!TERMINAL_STATUSES.has(from)) {
        try {
          await engine.terminate({ mediaSessionId, correlator: ctx.correlator });
        } catch (error) {
          throw toApiError(error);
        }
        const early = from !== "Connected" && from !== "Hold" && from !== "Resume";
        const status = !early
          ? "Terminated"
          : record.direction === "originating"
            ? "SessionCancelled"
            : "Declined";
        await changes.publish(
          mediaSessionId,
          (info) => ({ ...info, status, reason: "Ended by the API client" }),
          ctx.correlator,
        );
      }
      await store.sessions.delete(mediaSessionId);
    },

    /** The network changed a session (a provisional or final response, UPDATE, re-INVITE, BYE). */
    async sessionChanged(event: SessionEvent, correlator: string): Promise<void> {
      const record = await store.sessions.get(event.mediaSessionId);
      if (!record || TERMINAL_STATUSES.has(record.info.status ?? "Initial")) return;
      await changes.publish(
        event.mediaSessionId,
        (info) => ({
          ...info,
          status: event.status,
          reason: event.reason,
          ...(event.offerSdp !== undefined ? { offer: { sdp: event.offerSdp } } : {}),
          ...(event.answerSdp !== undefined ? { answer: { sdp: event.answerSdp } } : {}),
          ...(event.offerRequired !== undefined ? { offerRequired: event.offerRequired } : {}),
        }),
        correlator,
      );
    },

    /** An incoming call for a registration: a terminating session, announced as session-invitation. */
    incomingCall: (call: IncomingCall, correlator: string): Promise<boolean> =>
      acceptIncomingCall(deps, call, correlator),
  };
}

export type CallService = ReturnType<typeof createCallService>;
