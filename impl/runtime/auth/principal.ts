/** Who is calling: what a verified access token says about the subscriber and the client. */
export interface Principal {
  /** `sub` of the token (or of the introspection answer). */
  readonly subject: string;
  /** `client_id` (or `azp`) when the token names one. */
  readonly clientId: string | undefined;
  /** The subscriber's phone number in E.164 (`+` and digits), from the configured claim. */
  readonly phoneNumber: string | undefined;
  /** Granted scopes (`scope` claim, space-separated, or `scp` array). */
  readonly scopes: ReadonlySet<string>;
  /** Token expiry, epoch milliseconds, when known. */
  readonly expiresAtMs: number | undefined;
}

/** Verifies a bearer access token; rejects with {@link AuthError} on any problem. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

/** Why a token was refused. Every reason renders as 401 UNAUTHENTICATED; the reason is for logs. */
export type AuthFailure =
  | "missing"
  | "malformed"
  | "bad_signature"
  | "unsupported_algorithm"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_type"
  | "inactive"
  | "issuer_unreachable";

export class AuthError extends Error {
  override readonly name = "AuthError";
  constructor(
    readonly reason: AuthFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
