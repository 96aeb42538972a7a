import { ApiError, type ErrorCode } from "camara-webrtc-runtime";
import { EngineError, type EngineFailure } from "../engine/engine-error.ts";

/**
 * Engine failures as CAMARA errors: the one place where the network's vocabulary becomes the API's.
 * Messages say what the client can do; the engine's own message (SIP details) stays in the logs.
 */
export const ENGINE_FAILURE_TO_API: Record<EngineFailure, { code: ErrorCode; message: string }> = {
  network_unreachable: { code: "UNAVAILABLE", message: "The telco network cannot be reached; retry later." },
  network_timeout: { code: "TIMEOUT", message: "The telco network did not answer in time; retry later." },
  network_rejected: { code: "BAD_GATEWAY", message: "The telco network rejected the request." },
  overloaded: { code: "TOO_MANY_REQUESTS", message: "The gateway is at capacity; retry later." },
  unknown_session: { code: "NOT_FOUND", message: "The specified resource is not found." },
  invalid_state: { code: "CONFLICT", message: "The session is not in a state that allows this change." },
  invalid_sdp: { code: "INVALID_ARGUMENT", message: "The SDP is not a valid session description." },
  glare: { code: "ABORTED", message: "A concurrent media change is in progress; retry the update." },
  invalid_location: { code: "INVALID_ARGUMENT", message: "The location cannot be sent to the network." },
  not_supported: { code: "NOT_IMPLEMENTED", message: "The operator does not offer this service." },
};

/** Maps an EngineError to its ApiError; anything else is returned unchanged for the error middleware. */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof EngineError)) return error;
  const { code, message } = ENGINE_FAILURE_TO_API[error.failure];
  return new ApiError(code, error.clientMessage ?? message, { cause: error });
}
