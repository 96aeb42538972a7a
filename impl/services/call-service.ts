import type { CreateSessionInput } from "../../generated/r2.2/webrtc-call-handling/handlers.ts";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { CallEngine, IncomingCall, SessionEvent, SessionStatus } from "../engine/engine.ts";
import { EngineError } from "../engine/engine-error.ts";
import { ApiError } from "../errors/api-error.ts";
import type { LocationDetails, MediaSessionInformation, SessionRecord, Store } from "../store/index.ts";
import { createCallOrigination } from "./call-origination.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { acceptIncomingCall } from "./incoming-session.ts";
import { requirePhoneNumber } from "./principal-phone.ts";
import type { RegistrationService } from "./registration-service.ts";
import type { Clock, IdGenerator, RequestContext } from "./request-context.ts";
import { createSessionChanges } from "./session-changes.ts";
import { checkTransition } from "./session-transitions.ts";
import { toApiError } from "./to-api-error.ts";

export type { NewCall } from "./call-origination.ts";

import type { NewCall } from "./call-origination.ts";

export { ANONYMOUS_ADDRESS } from "./call-origination.ts";

/** A status change a client asks for, in any release. */
export interface StatusChange {
  readonly status?: SessionStatus | undefined;
  readonly offer?: { readonly sdp?: string | undefined } | undefined;
  readonly answer?: { readonly sdp?: string | undefined } | undefined;
  readonly locationDetails?: LocationDetails | undefined;
}

export interface CallServiceDeps {
  readonly store: Store;
  readonly engine: CallEngine;
  readonly events: EventPublisher;
  readonly registrations: RegistrationService;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** Whether the engine places emergency calls (Engine.emergencyCalls); default: it does not. */
  readonly emergencyCalls?: () => boolean;
}

/** 409 CONFLICT for a change asked of a session that has ended; the same words as the transition check. */
const sessionEnded = (status: SessionStatus) =>
  new ApiError("CONFLICT", `The session has ended (${status}); it cannot change any more.`);

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

  /**
   * The error for a failed engine update. A session the store still holds but whose call leg is gone
   * has ended in the network (its terminal status may still be on its way to the store): that is a
   * state conflict, never 404 for a session GET shows.
   */
  async function endedMeanwhile(mediaSessionId: string, error: unknown): Promise<unknown> {
    if (!(error instanceof EngineError) || error.failure !== "unknown_session") return toApiError(error);
    const record = await changes.settled(mediaSessionId);
    if (!record) return ApiError.notFound("The media session");
    const status = record.info.status ?? "Initial";
    return TERMINAL_STATUSES.has(status)
      ? sessionEnded(status)
      : new ApiError("CONFLICT", "The session has ended in the network; it cannot change any more.", {
          cause: error,
        });
  }

  return {
    /** r2.2 createSession: the fields r2.2 forbids on creation, and its clientCorrelator idempotency. */
    async create(
      ctx: RequestContext,
      registrationId: string,
      body: CreateSessionInput["body"],
    ): Promise<MediaSessionInformation> {
      const phone = requirePhoneNumber(ctx);
      for (const field of ["status", "answer", "mediaSessionId"] as const) {
        if (body[field] !== undefined)
          throw ApiError.invalidArgument(`${field} must not be included when creating a session.`);
      }
      if (!body.receiverAddress)
        throw ApiError.invalidArgument("receiverAddress is required to create a session.");
      const { receiverAddress, ...rest } = body;
      const call = { ...rest, receiverAddress };
      // r2.2 defines no anonymous caller: its originatorAddress must be the subscriber's.
      const admitted = await origination.admit(ctx, registrationId, call, false);
      if (body.clientCorrelator) {
        // The clientCorrelator "allows the client to recover from communication failures during
        // resource creation": the same one returns the session already placed, not a second call.
        const existing = await store.sessions.findByClientCorrelator(phone, body.clientCorrelator);
        if (existing) {
          if (existing.info.receiverAddress !== body.receiverAddress) {
            throw new ApiError(
              "ALREADY_EXISTS",
              "clientCorrelator is already used by a session to another receiver.",
            );
          }
          return existing.info;
        }
      }
      return origination.place(ctx, registrationId, call, admitted, rest);
    },

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
      const record = await owned(ctx, mediaSessionId);
      if (!body?.status) throw ApiError.invalidArgument("status is required to update a session.");
      const from = record.info.status ?? "Initial";
      const check = checkTransition(
        record.direction,
        from,
        body.status,
        body.offer?.sdp !== undefined,
        body.answer?.sdp !== undefined,
      );
      if (!check.ok)
        throw new ApiError(check.kind === "invalid" ? "INVALID_ARGUMENT" : "CONFLICT", check.message);
      try {
        await engine.update({
          mediaSessionId,
          status: body.status,
          offerSdp: body.offer?.sdp,
          answerSdp: body.answer?.sdp,
          correlator: ctx.correlator,
        });
      } catch (error) {
        throw await endedMeanwhile(mediaSessionId, error);
      }
      const status = body.status;
      const next = await changes.publish(
        mediaSessionId,
        // The network may have ended the session while the engine worked (a CANCEL racing the
        // answer): its terminal status stands, and the client hears the conflict.
        (info) =>
          TERMINAL_STATUSES.has(info.status ?? "Initial")
            ? undefined
            : {
                ...info,
                status,
                reason: `Status set to ${status} by the API client`,
                ...(body.offer ? { offer: body.offer } : {}),
                ...(body.answer ? { answer: body.answer } : {}),
                ...(body.locationDetails ? { locationDetails: body.locationDetails } : {}),
              },
        ctx.correlator,
      );
      if (!next) throw ApiError.notFound("The media session");
      const now = next.info.status ?? "Initial";
      if (TERMINAL_STATUSES.has(now)) throw sessionEnded(now);
      return next.info;
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

    /** An incoming call for a registration: stored as a terminating session and announced. */
    /** An incoming call for a registration: a terminating session, announced as session-invitation. */
    incomingCall: (call: IncomingCall, correlator: string): Promise<boolean> =>
      acceptIncomingCall(deps, call, correlator),
  };
}

export type CallService = ReturnType<typeof createCallService>;
