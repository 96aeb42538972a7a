/** An HTTP answer of an OAuth endpoint, for whoever mounts the route to send as JSON. */
export interface OAuthResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
}

/** RFC 6749 §5.2 `error` codes. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope";

// RFC 6749 §5.1: "The authorization server MUST include the HTTP "Cache-Control" response header
// field with a value of "no-store" in any response containing tokens, credentials, or other
// sensitive information, as well as the "Pragma" response header field with a value of "no-cache"."
const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/** A 200 answer carrying tokens or token metadata. */
export function oauthSuccess(body: Readonly<Record<string, unknown>>): OAuthResponse {
  return { status: 200, headers: NO_STORE, body };
}

/**
 * An RFC 6749 §5.2 error answer: 400, except `invalid_client`, which is 401 with a
 * `WWW-Authenticate` challenge for HTTP Basic.
 */
export function oauthError(error: OAuthErrorCode, description: string): OAuthResponse {
  if (error === "invalid_client") {
    // RFC 6749 §5.2: "If the client attempted to authenticate via the "Authorization" request header
    // field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and
    // include the "WWW-Authenticate" response header field matching the authentication scheme used".
    return {
      status: 401,
      headers: { ...NO_STORE, "WWW-Authenticate": 'Basic realm="dev-issuer"' },
      body: { error, error_description: description },
    };
  }
  return { status: 400, headers: NO_STORE, body: { error, error_description: description } };
}
