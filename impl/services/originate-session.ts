import type { CreateSessionInput } from "../../generated/r2.2/webrtc-call-handling/handlers.ts";
import type { CallEngine } from "../engine/engine.ts";
import { ApiError } from "../errors/api-error.ts";
import type { MediaSessionInformation, SessionRecord, Store } from "../store/index.ts";
import { addressMatchesPhone, requirePhoneNumber, telUri } from "./principal-phone.ts";
import type { RegistrationService } from "./registration-service.ts";
import type { Clock, IdGenerator, RequestContext } from "./request-context.ts";
import { toApiError } from "./to-api-error.ts";

export interface OriginateDeps {
  readonly store: Store;
  readonly engine: CallEngine;
  readonly registrations: RegistrationService;
  readonly clock: Clock;
  readonly newId: IdGenerator;
}

/**
 * createSession: checks the body against the caller's token and registration, stores the session
 * as originating and asks the engine to place the call; a session the engine cannot place is removed.
 */
export async function originateSession(
  deps: OriginateDeps,
  ctx: RequestContext,
  registrationId: string,
  body: CreateSessionInput["body"],
): Promise<MediaSessionInformation> {
  const { store, clock } = deps;
  const phone = requirePhoneNumber(ctx);
  for (const field of ["status", "answer", "mediaSessionId"] as const) {
    if (body[field] !== undefined)
      throw ApiError.invalidArgument(`${field} must not be included when creating a session.`);
  }
  if (!body.receiverAddress)
    throw ApiError.invalidArgument("receiverAddress is required to create a session.");
  if (body.originatorAddress && !addressMatchesPhone(body.originatorAddress, phone)) {
    throw new ApiError("INVALID_TOKEN_CONTEXT", "originatorAddress is not consistent with access token.");
  }
  if (!(await deps.registrations.findOwned(ctx, registrationId))) {
    throw ApiError.invalidArgument(
      "The registrationId header does not identify an active registration of this subscriber.",
    );
  }
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
  const now = clock.now().toISOString();
  const mediaSessionId = deps.newId();
  const info: MediaSessionInformation = {
    ...body,
    originatorAddress: body.originatorAddress ?? telUri(phone),
    mediaSessionId,
    status: "Initial",
  };
  const record: SessionRecord = {
    mediaSessionId,
    owner: phone,
    registrationId,
    direction: "originating",
    info,
    createdAt: now,
    updatedAt: now,
  };
  await store.sessions.put(record);
  try {
    await deps.engine.originate({
      mediaSessionId,
      registrationId,
      originatorAddress: info.originatorAddress ?? telUri(phone),
      receiverAddress: body.receiverAddress,
      originatorName: body.originatorName,
      offerSdp: body.offer?.sdp,
      correlator: ctx.correlator,
    });
  } catch (error) {
    await store.sessions.delete(mediaSessionId);
    throw toApiError(error);
  }
  return info;
}
