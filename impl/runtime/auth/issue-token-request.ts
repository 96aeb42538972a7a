/** A token to mint directly, bypassing the token endpoint (tests, tooling). */
export interface IssueTokenRequest {
  /** E.164 subscriber; also the `sub`. Without it `sub` is the client, as for any client-credentials token. */
  readonly phoneNumber?: string | undefined;
  readonly scopes: readonly string[];
  /** Seconds from `iat` to `exp`. Default `tokenLifetimeSec`. */
  readonly lifetimeSec?: number;
  /** Seconds from `iat` to `nbf`; negative back-dates it. Default 0. */
  readonly notBeforeSec?: number;
  /**
   * Seconds `iat` lies before now, default 0. With a lifetime shorter than that, the token is
   * already expired when minted (a conformance suite's expired-token profile, without waiting).
   */
  readonly issuedAgoSec?: number;
  /** `client_id` claim. Default: the first configured client. */
  readonly clientId?: string;
}
