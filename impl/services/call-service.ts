import type {
  CreateSessionInput,
  UpdateSessionStatusInput,
} from "../../generated/r2.2/webrtc-call-handling/handlers.ts";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { CallEngine, IncomingCall, SessionEvent, SessionStatus } from "../engine/engine.ts";
import { EngineError } from "../engine/engine-error.ts";
import { ApiError } from "../errors/api-error.ts";
import type { MediaSessionInformation, SessionRecord, Store } from "../store/index.ts";
import type { EventPublisher } from "./event-publisher.ts";
import { acceptIncomingCall } from "./incoming-session.ts";
import { originateSession } from "./originate-session.ts";
import type { RegistrationService } from "./registration-service.ts";
import type { Clock, IdGenerator, RequestContext } from "./request-context.ts";
import { createSessionChanges, type SessionChanges } from "./session-changes.ts";
import { checkTransition } from "./session-transitions.ts";
import { toApiError } from "./to-api-error.ts";

export interface CallServiceDeps {
  readonly store: Store;
  readonly engine: CallEngine;
  readonly events: EventPublisher;
  readonly registrations: RegistrationService;
  readonly clock: Clock;
  readonly newId: IdGenerator;
}

/** 409 CONFLICT for a change asked of a session that has ended; the same words as the transition check. */
const sessionEnded = (status: SessionStatus) =>
  new ApiError("CONFLICT", `The session has ended (${status}); it cannot change any more.`);

/** webrtc-call-handling: originate, answer, change and end media sessions; apply network events. */
export function createCallService(deps: CallServiceDeps) {
  const { store } = deps;
  const changes = createSessionChanges(deps);

  async function owned(ctx: RequestContext, mediaSessionId: string): Promise<SessionRecord> {
    const record = await store.sessions.get(mediaSessionId);
    if (!record || record.owner !== ctx.principal.phoneNumber) throw ApiError.notFound("The media session");
    return record;
  }

  return {
    create: (ctx: RequestContext, registrationId: string, body: CreateSessionInput["body"]) =>
      originateSession(deps, ctx, registrationId, body),

    async get(ctx: RequestContext, mediaSessionId: string): Promise<MediaSessionInformation> {
      return (await owned(ctx, mediaSessionId)).info;
    },

    async updateStatus(
      ctx: RequestContext,
      mediaSessionId: string,
      body: UpdateSessionStatusInput["body"],
    ): Promise<MediaSessionInformation> {
      return updateStatus(deps, changes, ctx, await owned(ctx, mediaSessionId), body);
    },

    async delete(ctx: RequestContext, mediaSessionId: string): Promise<void> {
      const record = await owned(ctx, mediaSessionId);
      const from = record.info.status ?? "Initial";
      if (!TERMINAL_STATUSES.has(from)) {
        try {
          await deps.engine.terminate({ mediaSessionId, correlator: ctx.correlator });
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
    incomingCall: (call: IncomingCall, correlator: string): Promise<boolean> =>
      acceptIncomingCall(deps, call, correlator),
  };
}

/** updateSessionStatus: the transition checked, the engine asked, then the change published. */
async function updateStatus(
  deps: CallServiceDeps,
  changes: SessionChanges,
  ctx: RequestContext,
  record: SessionRecord,
  body: UpdateSessionStatusInput["body"],
): Promise<MediaSessionInformation> {
  const { mediaSessionId } = record;
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
    await deps.engine.update({
      mediaSessionId,
      status: body.status,
      offerSdp: body.offer?.sdp,
      answerSdp: body.answer?.sdp,
      correlator: ctx.correlator,
    });
  } catch (error) {
    throw await endedMeanwhile(changes, mediaSessionId, error);
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
          },
    ctx.correlator,
  );
  if (!next) throw ApiError.notFound("The media session");
  const now = next.info.status ?? "Initial";
  if (TERMINAL_STATUSES.has(now)) throw sessionEnded(now);
  return next.info;
}

/**
 * The error for a failed engine update. A session the store still holds but whose call leg is gone
 * has ended in the network (its terminal status may still be on its way to the store): that is a
 * state conflict, never 404 for a session GET shows.
 */
async function endedMeanwhile(
  changes: SessionChanges,
  mediaSessionId: string,
  error: unknown,
): Promise<unknown> {
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

export type CallService = ReturnType<typeof createCallService>;
