import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errors } from "jose";
import { authErrorFromJose } from "./auth-error-from-jose.ts";
import { AuthError, type AuthFailure } from "./principal.ts";

const claimFailure = (claim: string, reason = "check_failed") =>
  new errors.JWTClaimValidationFailed(`"${claim}" failed`, {}, claim, reason);

const cases: [string, { given: errors.JOSEError; want: AuthFailure }][] = [
  [
    "exp in the past",
    { given: new errors.JWTExpired("expired", {}, "exp", "check_failed"), want: "expired" },
  ],
  ["nbf in the future", { given: claimFailure("nbf"), want: "not_yet_valid" }],
  ["nbf not a number", { given: claimFailure("nbf", "invalid"), want: "malformed" }],
  ["iss mismatch", { given: claimFailure("iss"), want: "wrong_issuer" }],
  ["iss missing", { given: claimFailure("iss", "missing"), want: "wrong_issuer" }],
  ["aud mismatch", { given: claimFailure("aud"), want: "wrong_audience" }],
  ["typ other than at+jwt", { given: claimFailure("typ"), want: "wrong_type" }],
  ["exp missing", { given: claimFailure("exp", "missing"), want: "malformed" }],
  ["signature mismatch", { given: new errors.JWSSignatureVerificationFailed(), want: "bad_signature" }],
  ["no key for kid", { given: new errors.JWKSNoMatchingKey(), want: "bad_signature" }],
  ["several keys for kid", { given: new errors.JWKSMultipleMatchingKeys(), want: "bad_signature" }],
  [
    "alg outside the allow-list",
    { given: new errors.JOSEAlgNotAllowed("no"), want: "unsupported_algorithm" },
  ],
  ["alg unknown to the key set", { given: new errors.JOSENotSupported("no"), want: "unsupported_algorithm" }],
  ["not a compact JWS", { given: new errors.JWSInvalid("bad"), want: "malformed" }],
  ["claims not a JSON object", { given: new errors.JWTInvalid("bad"), want: "malformed" }],
  ["JWKS fetch timed out", { given: new errors.JWKSTimeout(), want: "issuer_unreachable" }],
  ["JWKS not a key set", { given: new errors.JWKSInvalid("bad"), want: "issuer_unreachable" }],
  ["JWKS key unusable", { given: new errors.JWKInvalid("bad"), want: "issuer_unreachable" }],
];

describe("authErrorFromJose", () => {
  for (const [name, { given, want }] of cases) {
    it(`maps ${name} (${given.code}) to ${want}, keeping the jose error as cause`, () => {
      const error = authErrorFromJose(given);
      assert.equal(error.reason, want);
      assert.equal(error.cause, given);
    });
  }

  it("passes an AuthError through unchanged", () => {
    const given = new AuthError("issuer_unreachable", "down");
    assert.equal(authErrorFromJose(given), given);
  });

  it("rethrows an error that is not jose's, so that a bug is not answered as a bad token", () => {
    const bug = new RangeError("bug");
    assert.throws(
      () => authErrorFromJose(bug),
      (thrown) => thrown === bug,
    );
  });
});
