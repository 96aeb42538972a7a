import { type JWTVerifyGetKey, jwtVerify } from "jose";
import { authenticateClient, type ClientCredentials } from "./client-authentication.ts";
import { type OAuthResponse, oauthError, oauthSuccess } from "./oauth-response.ts";

/** What the introspection endpoint needs from its issuer. */
export interface IntrospectionContext {
  readonly clients: readonly ClientCredentials[];
  readonly issuer: string;
  readonly audience: string;
  readonly algorithm: string;
  readonly keys: JWTVerifyGetKey;
  /** Current time, epoch milliseconds. */
  readonly clock: () => number;
}

/**
 * The token introspection endpoint for tokens this issuer signed. Anything it cannot verify (not a
 * JWT, another issuer's, expired, not yet valid, tampered) is simply inactive.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2 Introspection Endpoint
 */
export async function introspectToken(
  context: IntrospectionContext,
  form: URLSearchParams,
  authorizationHeader: string | undefined,
): Promise<OAuthResponse> {
  // RFC 7662 §2.1: "To prevent token scanning attacks, the endpoint MUST also require some form of
  // authorization to access this endpoint".
  const client = authenticateClient(context.clients, form, authorizationHeader);
  if (!client.ok) return oauthError(client.error, client.description);
  const tokens = form.getAll("token");
  const [token] = tokens;
  if (token === undefined || tokens.length > 1) {
    return oauthError("invalid_request", "Exactly one token parameter is required.");
  }
  // RFC 7662 §2.1: token_type_hint is only a hint; "If the server is unable to locate the token
  // using the given hint, it MUST extend its search across all of its supported token types." There
  // is only one type here, so the hint is ignored.
  try {
    const { payload } = await jwtVerify(token, context.keys, {
      issuer: context.issuer,
      audience: context.audience,
      algorithms: [context.algorithm],
      currentDate: new Date(context.clock()),
      requiredClaims: ["exp"],
    });
    return oauthSuccess({ ...payload, active: true, token_type: "Bearer" });
  } catch {
    // RFC 7662 §2.2: "If the introspection call is properly authorized but the token is not active,
    // does not exist on this server, or the protected resource is not allowed to introspect this
    // particular token, then the authorization server MUST return an introspection response with
    // the "active" field set to false." ... "the authorization server SHOULD NOT include any
    // additional information about an inactive token".
    return oauthSuccess({ active: false });
  }
}
