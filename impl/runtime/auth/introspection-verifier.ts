import { AuthError, type TokenVerifier } from "./principal.ts";
import { type ClaimsMappingOptions, principalFromClaims } from "./principal-from-claims.ts";

/** Options of {@link createIntrospectionVerifier}. */
export interface IntrospectionVerifierOptions extends ClaimsMappingOptions {
  /** The authorization server's `introspection_endpoint`. */
  readonly introspectionUrl: string | URL;
  /** This gateway's client credentials at the authorization server (HTTP Basic, RFC 6749 §2.3.1). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Time allowed for one introspection round trip, body included, in milliseconds. Default 2000. */
  readonly timeoutMs?: number;
  /** Expected `iss` of the answer; not checked when absent. */
  readonly issuer?: string;
  /** Accepted `aud` value(s); the answer must name at least one. Not checked when absent. */
  readonly audience?: string | readonly string[];
  /** Leeway for `exp` and `nbf`, in seconds. Default 30. */
  readonly clockToleranceSec?: number;
  /** Current time, epoch milliseconds. Default `Date.now`. */
  readonly clock?: () => number;
}

/**
 * A {@link TokenVerifier} for opaque (or any) access tokens that asks the authorization server, one
 * request per `verify`, nothing cached.
 *
 * When the server refuses the gateway's own credentials (401), the reason is `issuer_unreachable`:
 * the token is not at fault, the gateway's configuration is, and the message says which to fix.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7662 OAuth 2.0 Token Introspection
 */
export function createIntrospectionVerifier(options: IntrospectionVerifierOptions): TokenVerifier {
  const url = new URL(options.introspectionUrl);
  const timeoutMs = options.timeoutMs ?? 2000;
  const toleranceSec = options.clockToleranceSec ?? 30;
  const clock = options.clock ?? Date.now;
  const audiences = typeof options.audience === "string" ? [options.audience] : options.audience;
  // RFC 6749 §2.3.1: "The client identifier is encoded using the "application/x-www-form-urlencoded"
  // encoding algorithm ..., and the encoded value is used as the username"; likewise the password.
  const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
  const authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;

  async function introspect(token: string): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { Authorization: authorization, Accept: "application/json" },
        // RFC 7662 §2.1: token REQUIRED; token_type_hint OPTIONAL.
        body: new URLSearchParams({ token, token_type_hint: "access_token" }),
        // Never replay the credentials to wherever a redirect points.
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw unreachable(failedWith(cause, timeoutMs), cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unreachable(
        response.status === 401
          ? "refused the gateway's client credentials (401); check clientId and clientSecret"
          : `answered ${response.status}`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw unreachable(failedWith(cause, timeoutMs), cause);
    }
    // RFC 7662 §2.2: "active REQUIRED. Boolean indicator of whether or not the presented token is
    // currently active."
    if (
      typeof body !== "object" ||
      body === null ||
      typeof (body as { active?: unknown }).active !== "boolean"
    ) {
      throw unreachable("answered with something that is not an RFC 7662 introspection response");
    }
    return body as Record<string, unknown>;
  }

  function unreachable(what: string, cause?: unknown): AuthError {
    return new AuthError("issuer_unreachable", `The introspection endpoint ${url.href} ${what}.`, { cause });
  }

  return {
    async verify(token) {
      if (token === "") throw new AuthError("malformed", "The access token is empty.");
      const claims = await introspect(token);
      if (claims.active !== true)
        throw new AuthError("inactive", "The authorization server says the token is not active.");
      if (options.issuer !== undefined && claims.iss !== options.issuer) {
        throw new AuthError("wrong_issuer", "The token was issued by an issuer this gateway does not trust.");
      }
      if (audiences !== undefined && !audienceMatches(claims.aud, audiences)) {
        throw new AuthError(
          "wrong_audience",
          "The token is not intended for this gateway (aud does not match).",
        );
      }
      // The server's `active` already covers expiry, but its clock is not ours: both must agree.
      const nowSec = clock() / 1000;
      if (typeof claims.exp === "number" && claims.exp <= nowSec - toleranceSec) {
        throw new AuthError("expired", "The access token has expired.");
      }
      if (typeof claims.nbf === "number" && claims.nbf > nowSec + toleranceSec) {
        throw new AuthError("not_yet_valid", "The access token is not valid yet (nbf is in the future).");
      }
      return principalFromClaims(claims, options);
    },
  };
}

function audienceMatches(aud: unknown, accepted: readonly string[]): boolean {
  // RFC 7662 §2.2: aud is a "String representing the intended audience", RFC 7519 §4.1.3 style,
  // so a string or an array of strings.
  const named = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
  return named.some((a) => typeof a === "string" && accepted.includes(a));
}

function failedWith(cause: unknown, timeoutMs: number): string {
  if (cause instanceof Error && cause.name === "TimeoutError") return `did not answer within ${timeoutMs} ms`;
  return cause instanceof SyntaxError ? "answered with a body that is not JSON" : "could not be reached";
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice("v=".length);
}
