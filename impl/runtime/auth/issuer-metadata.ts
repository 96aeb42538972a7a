/** The routes a dev issuer is mounted at, relative to its issuer URL. */
export const DEV_ISSUER_PATHS = {
  discovery: "/.well-known/openid-configuration",
  jwks: "/jwks",
  token: "/token",
  introspection: "/introspect",
} as const;

const CLAIMS = ["iss", "aud", "sub", "client_id", "phone_number", "scope", "iat", "nbf", "exp", "jti"];

/**
 * The discovery document of a dev issuer, advertising exactly the routes of {@link DEV_ISSUER_PATHS}.
 *
 * @param issuer issuer URL without a trailing slash
 * @param scopes the configured scopes, or `undefined` when any scope is granted
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2 Authorization Server Metadata
 */
export function issuerMetadata(
  issuer: string,
  algorithm: string,
  scopes: readonly string[] | undefined,
): Readonly<Record<string, unknown>> {
  // RFC 8414 §3.3: "The "issuer" value returned MUST be identical to the authorization server's
  // issuer identifier value into which the well-known URI string was inserted".
  return {
    issuer,
    jwks_uri: `${issuer}${DEV_ISSUER_PATHS.jwks}`,
    token_endpoint: `${issuer}${DEV_ISSUER_PATHS.token}`,
    introspection_endpoint: `${issuer}${DEV_ISSUER_PATHS.introspection}`,
    grant_types_supported: ["client_credentials"],
    // RFC 8414 §2 makes this REQUIRED; there is no authorization endpoint, so no response types.
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    ...(scopes !== undefined ? { scopes_supported: [...scopes] } : {}),
    claims_supported: [...CLAIMS],
    // OpenID Connect Discovery 1.0 §3 REQUIRES these two; no ID token is issued, but one would be
    // signed with the same key.
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [algorithm],
  };
}
