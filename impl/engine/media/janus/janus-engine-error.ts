import { EngineError, type EngineFailure } from "../../engine-error.ts";
import { JanusError, type JanusFailure } from "./janus-connection.ts";

/** How each Janus transport failure reaches the services. */
export const JANUS_FAILURE_TO_ENGINE: Record<JanusFailure, EngineFailure> = {
  // The media anchor is part of the gateway's network: silent means unreachable (503 UNAVAILABLE).
  timeout: "network_unreachable",
  closed: "network_unreachable",
  error: "network_rejected",
};

/**
 * Janus API error codes (janus/apierror.h) and NoSIP plugin error codes (janus_nosip.c) with a more
 * specific meaning than "rejected".
 */
export const JANUS_CODE_TO_ENGINE: Readonly<Record<number, EngineFailure>> = {
  458: "unknown_session", // JANUS_ERROR_SESSION_NOT_FOUND
  459: "unknown_session", // JANUS_ERROR_HANDLE_NOT_FOUND
  465: "invalid_sdp", // JANUS_ERROR_JSEP_INVALID_SDP
  445: "invalid_state", // JANUS_NOSIP_ERROR_WRONG_STATE
  446: "invalid_sdp", // JANUS_NOSIP_ERROR_MISSING_SDP (also: unparsable SDP, DataChannels)
  447: "invalid_sdp", // JANUS_NOSIP_ERROR_INVALID_SDP (no audio, no video, no address)
  450: "invalid_sdp", // JANUS_NOSIP_ERROR_TOO_STRICT (SDES-SRTP required, not offered)
};

/** Translates a Janus failure into the engine's vocabulary; Janus's reason stays in the message. */
export function janusEngineError(error: unknown, what: string): EngineError {
  if (error instanceof EngineError) return error;
  if (!(error instanceof JanusError))
    return new EngineError("network_rejected", `media anchor ${what} failed: ${String(error)}`, {
      cause: error,
    });
  const failure =
    (error.code !== undefined ? JANUS_CODE_TO_ENGINE[error.code] : undefined) ??
    JANUS_FAILURE_TO_ENGINE[error.failure];
  return new EngineError(failure, `media anchor ${what} failed (${error.message})`, { cause: error });
}

/** A NoSIP plugin event's error (`error_code`, `error`) as a JanusError, or undefined when it succeeded. */
export function pluginError(data: Record<string, unknown>, request: string): JanusError | undefined {
  if (typeof data.error_code !== "number") return undefined;
  const reason = typeof data.error === "string" ? data.error : "error";
  return new JanusError("error", `NoSIP ${request}: ${reason}`, request, data.error_code);
}
