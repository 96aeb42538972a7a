/** Why the engine could not do what a service asked. */
export type EngineFailure =
  | "network_unreachable"
  | "network_timeout"
  | "network_rejected"
  | "overloaded"
  | "unknown_session"
  | "invalid_state"
  | "invalid_sdp"
  | "glare";

/** The one error type engines throw; impl/services/to-api-error.ts translates it for clients. */
export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(
    readonly failure: EngineFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
