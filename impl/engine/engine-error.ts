/** Why the engine could not do what a service asked. */
export type EngineFailure =
  | "network_unreachable"
  | "network_timeout"
  | "network_rejected"
  | "overloaded"
  | "unknown_session"
  | "invalid_state"
  | "invalid_sdp"
  | "glare"
  /** The device's location cannot be told to the network (e.g. a latitude outside ±90°). */
  | "invalid_location"
  /** The operator does not offer what was asked (e.g. emergency calls, EMERGENCY_CALLS=off). */
  | "not_supported";

/** The one error type engines throw; impl/services/to-api-error.ts translates it for clients. */
export class EngineError extends Error {
  override readonly name = "EngineError";
  /**
   * A sentence safe to show the API client, naming what it can change (e.g. a media capability the
   * gateway lacks); when absent the client gets the failure's generic message and this error's
   * message stays in the logs.
   */
  readonly clientMessage: string | undefined;
  constructor(
    readonly failure: EngineFailure,
    message: string,
    options?: { cause?: unknown; clientMessage?: string },
  ) {
    super(message, options && "cause" in options ? { cause: options.cause } : undefined);
    this.clientMessage = options?.clientMessage;
  }
}
