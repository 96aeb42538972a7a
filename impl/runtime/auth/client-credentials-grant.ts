import { authenticateClient, type ClientCredentials } from "./client-authentication.ts";
import type { IssueTokenRequest } from "./issue-token-request.ts";
import { type OAuthResponse, oauthError, oauthSuccess } from "./oauth-response.ts";

/** What the token endpoint needs from its issuer. */
export interface TokenEndpointContext {
  readonly clients: readonly ClientCredentials[];
  /** Scopes the issuer grants; `undefined` grants any syntactically valid scope. */
  readonly scopes: readonly string[] | undefined;
  /** Test subscribers a token may be issued for. */
  readonly phoneNumbers: readonly string[];
  /** Lifetime of a token when the request asks for none, in seconds. */
  readonly tokenLifetimeSec: number;
  issueToken(request: IssueTokenRequest): Promise<string>;
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const SINGLE_VALUED = ["grant_type", "scope", "phone_number", "expires_in", "issued_ago"] as const;

/**
 * The token endpoint for the client credentials grant. Besides `scope` it reads two parameters of
 * its own: `phone_number`, the configured test subscriber the token is for (RFC 6749 §3.2: "The
 * authorization server MUST ignore unrecognized request parameters", so real clients are unaffected),
 * `expires_in`, the wanted lifetime in seconds, and `issued_ago`, how many seconds before now the
 * token is dated (`expires_in=1&issued_ago=3600` mints a token expired an hour ago, beyond any clock
 * tolerance: a conformance suite's expired-token profile without waiting).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4 Client Credentials Grant
 */
export async function clientCredentialsGrant(
  context: TokenEndpointContext,
  form: URLSearchParams,
  authorizationHeader: string | undefined,
): Promise<OAuthResponse> {
  const client = authenticateClient(context.clients, form, authorizationHeader);
  if (!client.ok) return oauthError(client.error, client.description);
  // RFC 6749 §3.2: "Request and response parameters MUST NOT be included more than once."
  const repeated = SINGLE_VALUED.find((name) => form.getAll(name).length > 1);
  if (repeated !== undefined) return oauthError("invalid_request", `${repeated} must appear at most once.`);

  const grantType = form.get("grant_type");
  if (grantType === null) return oauthError("invalid_request", "grant_type is required.");
  if (grantType !== "client_credentials") {
    return oauthError("unsupported_grant_type", "Only grant_type=client_credentials is supported.");
  }

  const scopes = grantedScopes(context.scopes, form.get("scope"));
  if (typeof scopes === "string") return oauthError("invalid_scope", scopes);

  const phoneNumber = form.get("phone_number") ?? undefined;
  if (phoneNumber !== undefined && !context.phoneNumbers.includes(phoneNumber)) {
    return oauthError(
      "invalid_request",
      `phone_number must be one of the configured test numbers: ${context.phoneNumbers.join(", ")}.`,
    );
  }

  const wanted = form.get("expires_in");
  const lifetimeSec = wanted === null ? context.tokenLifetimeSec : Number(wanted);
  if (!/^[1-9][0-9]*$/.test(wanted ?? "1") || !Number.isSafeInteger(lifetimeSec)) {
    return oauthError("invalid_request", "expires_in must be a positive whole number of seconds.");
  }

  const ago = form.get("issued_ago");
  if (ago !== null && !/^(0|[1-9][0-9]{0,8})$/.test(ago)) {
    return oauthError("invalid_request", "issued_ago must be a whole number of seconds, 0 or more.");
  }

  const accessToken = await context.issueToken({
    phoneNumber,
    scopes,
    lifetimeSec,
    ...(ago !== null ? { issuedAgoSec: Number(ago) } : {}),
    clientId: client.clientId,
  });
  // RFC 6749 §5.1: token_type is REQUIRED, expires_in RECOMMENDED, and scope is "OPTIONAL, if
  // identical to the scope requested by the client; otherwise, REQUIRED" — always sent, for clarity.
  return oauthSuccess({
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: lifetimeSec,
    scope: scopes.join(" "),
  });
}

/** The scopes to grant, or why the request's `scope` is refused. */
function grantedScopes(
  supported: readonly string[] | undefined,
  requested: string | null,
): string[] | string {
  if (requested === null) {
    // RFC 6749 §3.3: "If the client omits the scope parameter ..., the authorization server MUST
    // either process the request using a pre-defined default value or fail the request indicating
    // an invalid scope." The default is every scope the issuer is configured with.
    return supported !== undefined ? [...supported] : "scope is required: this issuer has no default scope.";
  }
  const scopes = [...new Set(requested.split(" ").filter((s) => s !== ""))];
  if (scopes.length === 0) return "scope must name at least one scope.";
  const invalid = scopes.find(
    (s) => !SCOPE_TOKEN.test(s) || (supported !== undefined && !supported.includes(s)),
  );
  return invalid === undefined ? scopes : `Scope "${invalid}" is not supported by this issuer.`;
}
