import { ApiError, type RequestContext, requirePhoneNumber } from "camara-webrtc-runtime";
import type { CreateSessionInput } from "../../generated/r2.2/webrtc-call-handling/handlers.ts";
import type { MediaSessionInformation, Store } from "../store/index.ts";
import type { createCallOrigination } from "./call-origination.ts";

/** r2.2 createSession: the fields r2.2 forbids on creation, and its clientCorrelator idempotency. */
export async function createR22Session(
  deps: { readonly store: Store; readonly origination: ReturnType<typeof createCallOrigination> },
  ctx: RequestContext,
  registrationId: string,
  body: CreateSessionInput["body"],
): Promise<MediaSessionInformation> {
  const { store, origination } = deps;
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
}
