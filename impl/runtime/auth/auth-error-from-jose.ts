import { errors } from "jose";
import { AuthError, type AuthFailure } from "./principal.ts";

/** jose error code → why the token was refused. Codes jose raises only when signing or encrypting are absent. */
const FAILURE_BY_CODE: Readonly<Record<string, AuthFailure>> = {
  ERR_JWT_EXPIRED: "expired",
  ERR_JOSE_ALG_NOT_ALLOWED: "unsupported_algorithm",
  ERR_JOSE_NOT_SUPPORTED: "unsupported_algorithm",
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "bad_signature",
  // No key the issuer publishes matches the token's `kid`/`alg`: whoever signed it, it was not them.
  ERR_JWKS_NO_MATCHING_KEY: "bad_signature",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: "bad_signature",
  ERR_JWS_INVALID: "malformed",
  ERR_JWT_INVALID: "malformed",
  ERR_JWKS_TIMEOUT: "issuer_unreachable",
  ERR_JWKS_INVALID: "issuer_unreachable",
  ERR_JWK_INVALID: "issuer_unreachable",
};

/** Which claim failed → why; any other claim failure (missing `exp`, non-numeric `nbf`) is malformed. */
const FAILURE_BY_CLAIM: Readonly<Record<string, AuthFailure>> = {
  iss: "wrong_issuer",
  aud: "wrong_audience",
  // jose reports the header's `typ` as a claim failure.
  typ: "wrong_type",
  nbf: "not_yet_valid",
};

const MESSAGES: Readonly<Record<AuthFailure, string>> = {
  missing: "No access token was presented.",
  malformed: "The access token is not a well-formed signed JWT with the required claims.",
  bad_signature: "The access token's signature does not verify with any key of the trusted issuer.",
  unsupported_algorithm: "The access token is signed with an algorithm this gateway does not accept.",
  expired: "The access token has expired.",
  not_yet_valid: "The access token is not valid yet (nbf is in the future).",
  wrong_issuer: "The access token was issued by an issuer this gateway does not trust.",
  wrong_audience: "The access token is not intended for this gateway (aud does not match).",
  wrong_type: 'The token is not a JWT access token (its "typ" header is not at+jwt).',
  inactive: "The access token is not active.",
  issuer_unreachable: "The issuer's signing keys could not be obtained.",
};

/**
 * Translates whatever `jwtVerify` threw into an {@link AuthError}, keeping the jose error as
 * `cause`. An `AuthError` passes through unchanged. Anything that is not a jose error is a bug,
 * not a bad token, and is rethrown as is so that it is logged and answered as a 500.
 */
export function authErrorFromJose(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (!(error instanceof errors.JOSEError)) throw error;
  const reason = failureOf(error);
  return new AuthError(reason, `${MESSAGES[reason]} (${error.message})`, { cause: error });
}

function failureOf(error: errors.JOSEError): AuthFailure {
  if (error instanceof errors.JWTClaimValidationFailed) {
    // jose reports a missing `iss`/`aud` under the same claim name; a token without them is as
    // untrusted as one with the wrong value. A non-numeric `nbf` is malformed, not early.
    if (error.claim === "nbf" && error.reason !== "check_failed") return "malformed";
    return FAILURE_BY_CLAIM[error.claim] ?? "malformed";
  }
  return FAILURE_BY_CODE[error.code] ?? "malformed";
}
