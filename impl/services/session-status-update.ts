import { ApiError, type RequestContext } from "camara-webrtc-runtime";
import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import type { CallEngine, SessionStatus } from "../engine/engine.ts";
import { EngineError } from "../engine/engine-error.ts";
import type { LocationDetails, MediaSessionInformation, SessionRecord } from "../store/index.ts";
import type { SessionChanges } from "./session-changes.ts";
import { checkTransition } from "./session-transitions.ts";
import { toApiError } from "./to-api-error.ts";

/** A status change a client asks for, in any release. */
export interface StatusChange {
  readonly status?: SessionStatus | undefined;
  readonly offer?: { readonly sdp?: string | undefined } | undefined;
  readonly answer?: { readonly sdp?: string | undefined } | undefined;
  readonly locationDetails?: LocationDetails | undefined;
}

/** 409 CONFLICT for a change asked of a session that has ended; the same words as the transition check. */
const sessionEnded = (status: SessionStatus) =>
  new ApiError("CONFLICT", `The session has ended (${status}); it cannot change any more.`);

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

/** A client's status change of an owned session: the transition check, the engine, then the store. */
export async function updateSessionStatus(
  deps: { readonly engine: CallEngine; readonly changes: SessionChanges },
  ctx: RequestContext,
  mediaSessionId: string,
  record: SessionRecord,
  body: StatusChange | undefined,
): Promise<MediaSessionInformation> {
  const { engine, changes } = deps;
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
            ...(body.locationDetails ? { locationDetails: body.locationDetails } : {}),
          },
    ctx.correlator,
  );
  if (!next) throw ApiError.notFound("The media session");
  const now = next.info.status ?? "Initial";
  if (TERMINAL_STATUSES.has(now)) throw sessionEnded(now);
  return next.info;
}
