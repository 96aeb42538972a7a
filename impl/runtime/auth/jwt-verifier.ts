import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { authErrorFromJose } from "./auth-error-from-jose.ts";
import { AuthError, type TokenVerifier } from "./principal.ts";
import { type ClaimsMappingOptions, principalFromClaims } from "./principal-from-claims.ts";

/** Options of {@link createJwtVerifier}. Give exactly one of `jwksUrl` and `jwks`. */
export interface JwtVerifierOptions extends ClaimsMappingOptions {
  /** Expected `iss`, compared exactly (RFC 7519 §4.1.1 "StringOrURI"; no trailing-slash tolerance). */
  readonly issuer: string;
  /** Accepted `aud` value(s); the token must name at least one (RFC 7519 §4.1.3). */
  readonly audience: string | readonly string[];
  /** Where the issuer publishes its JWKS (the `jwks_uri` of its metadata). Fetched lazily, cached 10 min. */
  readonly jwksUrl?: string | URL;
  /** The issuer's public JWKS, when it is known in-process (the embedded dev issuer). */
  readonly jwks?: JSONWebKeySet;
  /**
   * Accepted `alg` values. Default `["RS256", "ES256", "PS256"]`. `none` and the HMAC family are
   * refused at construction: an asymmetric issuer never uses them, and accepting HS* with a public
   * key as the secret is the classic key-confusion forgery.
   */
  readonly algorithms?: readonly string[];
  /** Leeway for `exp` and `nbf`, in seconds, for clock skew between issuer and gateway. Default 30. */
  readonly clockToleranceSec?: number;
  /** Timeout of one JWKS fetch, in milliseconds. Default 5000. */
  readonly jwksTimeoutMs?: number;
  /** Current time, epoch milliseconds. Default `Date.now`. */
  readonly clock?: () => number;
  /**
   * Require the `typ` header `at+jwt` (or `application/at+jwt`). Default true; false only for
   * issuers that do not set it (AUTH_JWT_TYP=any), at the cost of accepting ID tokens and other JWTs
   * signed by the same issuer.
   */
  readonly requireAccessTokenType?: boolean;
}

export const DEFAULT_ALGORITHMS: readonly string[] = ["RS256", "ES256", "PS256"];

/**
 * A {@link TokenVerifier} for JWT access tokens (RFC 9068) signed by one trusted issuer.
 *
 * @throws TypeError at construction when the options are inconsistent or allow an unsafe algorithm.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4 Validating JWT Access Tokens
 */
export function createJwtVerifier(options: JwtVerifierOptions): TokenVerifier {
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  // RFC 8725 §3.1: "Each key MUST be used with exactly one algorithm"; RFC 8725 §2.1 describes the
  // "none" and HS*-with-public-key attacks this allow-list exists to stop.
  const unsafe = algorithms.filter((alg) => alg.toLowerCase() === "none" || /^HS/i.test(alg));
  if (unsafe.length > 0)
    throw new TypeError(`JWT verifier: algorithms must not include ${unsafe.join(", ")}.`);
  if (algorithms.length === 0) throw new TypeError("JWT verifier: algorithms must not be empty.");
  const clockTolerance = options.clockToleranceSec ?? 30;
  if (!(clockTolerance >= 0)) throw new TypeError("JWT verifier: clockToleranceSec must be >= 0.");
  const getKey = keyResolver(options);
  const clock = options.clock ?? Date.now;

  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: typeof options.audience === "string" ? options.audience : [...options.audience],
          algorithms,
          clockTolerance,
          currentDate: new Date(clock()),
          // RFC 9068 §2.2: iss, exp, aud, sub, client_id, iat and jti are REQUIRED; exp is the one
          // whose absence would make a stolen token valid forever, so it is insisted upon.
          requiredClaims: ["exp"],
          // RFC 9068 §4: "Resource servers MUST verify that the typ header value is "at+jwt" or
          // "application/at+jwt" and reject tokens carrying any other value."
          ...(options.requireAccessTokenType === false ? {} : { typ: "at+jwt" }),
        });
        return principalFromClaims(payload, options);
      } catch (error) {
        throw authErrorFromJose(error);
      }
    },
  };
}

function keyResolver(options: JwtVerifierOptions): JWTVerifyGetKey {
  if ((options.jwksUrl === undefined) === (options.jwks === undefined)) {
    throw new TypeError("JWT verifier: give exactly one of jwksUrl and jwks.");
  }
  if (options.jwks !== undefined) return createLocalJWKSet(options.jwks);
  const url = new URL(options.jwksUrl ?? "");
  const remote = createRemoteJWKSet(url, { timeoutDuration: options.jwksTimeoutMs ?? 5000 });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // These come from looking the key up in a set that was fetched fine: the token's fault.
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported
      ) {
        throw error;
      }
      // Anything else (refused connection, timeout, non-200, not JSON, not a JWKS) is the issuer's.
      throw new AuthError("issuer_unreachable", `The issuer's JWKS at ${url.href} could not be fetched.`, {
        cause: error,
      });
    }
  };
}
