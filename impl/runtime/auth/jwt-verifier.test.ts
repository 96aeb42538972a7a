import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  base64url,
  type CryptoKey,
  decodeJwt,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  SignJWT,
} from "jose";
import { createDevIssuer } from "./dev-issuer.ts";
import { createJwtVerifier, type JwtVerifierOptions } from "./jwt-verifier.ts";
import { AuthError, type AuthFailure } from "./principal.ts";
import { listenOnLoopback } from "./testing/listen-on-loopback.ts";
import { serveDevIssuer } from "./testing/serve-dev-issuer.ts";

const ISSUER = "http://127.0.0.1:9091/dev-issuer";
const AUDIENCE = "camara-webrtc-gateway";
const PHONE = "+34600000001";
const SCOPES = ["webrtc-call-handling:calls:create", "webrtc-call-handling:calls:read"];
const HOUR_MS = 3600_000;

const issuerOptions = {
  issuer: ISSUER,
  audience: AUDIENCE,
  clients: [{ clientId: "dev-client", clientSecret: "dev-secret" }],
  phoneNumbers: [PHONE],
};
const devIssuer = await createDevIssuer(issuerOptions);

function verifier(overrides: Partial<JwtVerifierOptions> = {}) {
  return createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: devIssuer.jwks(), ...overrides });
}

/** The reason the verifier refused the token with; fails the test if it accepted it. */
async function refusal(verification: Promise<unknown>): Promise<AuthFailure> {
  try {
    await verification;
  } catch (error) {
    assert.ok(error instanceof AuthError, `expected an AuthError, got ${String(error)}`);
    return error.reason;
  }
  return assert.fail("the token was accepted");
}

function unsignedToken(payload: Record<string, unknown>): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.`;
}

describe("JWT verifier", () => {
  it("accepts a token of the trusted issuer and maps sub, client_id, phone_number, scope and exp", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    const principal = await verifier().verify(token);
    assert.deepEqual(principal, {
      subject: PHONE,
      clientId: "dev-client",
      phoneNumber: PHONE,
      scopes: new Set(SCOPES),
      expiresAtMs: (decodeJwt(token).exp ?? 0) * 1000,
    });
  });

  it("accepts a token whose aud is one of several configured audiences", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    const principal = await verifier({ audience: ["another-api", AUDIENCE] }).verify(token);
    assert.equal(principal.phoneNumber, PHONE);
  });

  it("refuses a string that is not a JWT as malformed", async () => {
    assert.equal(await refusal(verifier().verify("not-a-jwt")), "malformed");
    assert.equal(await refusal(verifier().verify("")), "malformed");
  });

  it("refuses three segments of undecodable base64 as malformed", async () => {
    assert.equal(await refusal(verifier().verify("@@@.###.$$$")), "malformed");
    assert.equal(await refusal(verifier().verify("eyJub3Q.anNvbg.c2ln")), "malformed");
  });

  it("refuses a token signed by another key under the same iss as bad_signature", async () => {
    const impostor = await createDevIssuer(issuerOptions);
    const token = await impostor.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    assert.equal(await refusal(verifier().verify(token)), "bad_signature");
  });

  it("refuses a token whose payload was altered after signing as bad_signature", async () => {
    const [header, payload, signature] = (
      await devIssuer.issueToken({ phoneNumber: PHONE, scopes: [] })
    ).split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ""))) as Record<
      string,
      unknown
    >;
    const forged = base64url.encode(JSON.stringify({ ...claims, scope: SCOPES.join(" ") }));
    assert.equal(await refusal(verifier().verify(`${header}.${forged}.${signature}`)), "bad_signature");
  });

  it("refuses an unsigned token (alg none) as unsupported_algorithm", async () => {
    const claims = decodeJwt(await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES }));
    assert.equal(await refusal(verifier().verify(unsignedToken(claims))), "unsupported_algorithm");
  });

  it("refuses an HS256 token keyed with the issuer's public key (key confusion) as unsupported_algorithm", async () => {
    const [jwk] = devIssuer.jwks().keys;
    assert.ok(jwk);
    const publicKey = (await importJWK(jwk, "ES256", { extractable: true })) as CryptoKey;
    const pem = await exportSPKI(publicKey);
    for (const secret of [pem, JSON.stringify(jwk)]) {
      const token = await new SignJWT({ phone_number: PHONE, scope: SCOPES.join(" ") })
        .setProtectedHeader({ alg: "HS256", kid: jwk.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(PHONE)
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode(secret));
      assert.equal(await refusal(verifier().verify(token)), "unsupported_algorithm");
    }
  });

  it("refuses to be configured to accept none or an HMAC algorithm", () => {
    for (const algorithms of [["ES256", "none"], ["HS256"], ["RS256", "hs512"], []]) {
      assert.throws(() => verifier({ algorithms }), TypeError);
    }
  });

  it("refuses a token that expired beyond the clock tolerance as expired", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES, lifetimeSec: 3600 });
    const later = verifier({ clock: () => Date.now() + HOUR_MS + 60_000 });
    assert.equal(await refusal(later.verify(token)), "expired");
  });

  it("accepts a token that expired 10 s ago, within the default 30 s clock tolerance", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES, lifetimeSec: 3600 });
    const principal = await verifier({ clock: () => Date.now() + HOUR_MS + 10_000 }).verify(token);
    assert.equal(principal.subject, PHONE);
  });

  it("refuses a token whose nbf is 2 minutes ahead as not_yet_valid", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES, notBeforeSec: 120 });
    assert.equal(await refusal(verifier().verify(token)), "not_yet_valid");
  });

  it("accepts a token whose nbf is 10 s ahead, within the default 30 s clock tolerance", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES, notBeforeSec: 10 });
    assert.equal((await verifier().verify(token)).phoneNumber, PHONE);
  });

  it("refuses a token whose nbf is 10 s ahead when the clock tolerance is 0", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES, notBeforeSec: 10 });
    assert.equal(await refusal(verifier({ clockToleranceSec: 0 }).verify(token)), "not_yet_valid");
  });

  it("refuses a token of another issuer as wrong_issuer", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    assert.equal(
      await refusal(verifier({ issuer: "https://idp.example.com" }).verify(token)),
      "wrong_issuer",
    );
  });

  it("refuses a token for another audience as wrong_audience", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    assert.equal(await refusal(verifier({ audience: "another-api" }).verify(token)), "wrong_audience");
  });

  describe("the typ header (RFC 9068 §4)", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256" }] };
    const signed = (typ: string | undefined) =>
      new SignJWT({ phone_number: PHONE, scope: SCOPES.join(" ") })
        .setProtectedHeader({ alg: "ES256", kid: "k1", ...(typ === undefined ? {} : { typ }) })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject(PHONE)
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(privateKey);
    const table: [string, { typ: string | undefined; want: AuthFailure | "accepted" }][] = [
      ["at+jwt", { typ: "at+jwt", want: "accepted" }],
      ["application/at+jwt", { typ: "application/at+jwt", want: "accepted" }],
      ["AT+JWT (media types are case-insensitive)", { typ: "AT+JWT", want: "accepted" }],
      ["JWT", { typ: "JWT", want: "wrong_type" }],
      ["absent", { typ: undefined, want: "wrong_type" }],
      ["secevent+jwt", { typ: "secevent+jwt", want: "wrong_type" }],
    ];
    for (const [name, { typ, want }] of table) {
      it(`${want === "accepted" ? "accepts" : "refuses"} typ ${name}${want === "accepted" ? "" : ` as ${want}`}`, async () => {
        const verification = verifier({ jwks }).verify(await signed(typ));
        if (want === "accepted") assert.equal((await verification).phoneNumber, PHONE);
        else assert.equal(await refusal(verification), want);
      });
    }
    it("accepts typ JWT and an absent typ with requireAccessTokenType false", async () => {
      for (const typ of ["JWT", undefined])
        assert.equal(
          (await verifier({ jwks, requireAccessTokenType: false }).verify(await signed(typ))).phoneNumber,
          PHONE,
        );
    });
  });

  describe("with the issuer's JWKS fetched from jwksUrl", () => {
    const served = serveDevIssuer(devIssuer);
    after(async () => (await served).close());

    it("accepts a token of the trusted issuer", async () => {
      const { url } = await served;
      const remote = verifier({ jwks: undefined, jwksUrl: `${url}/dev-issuer/jwks` });
      const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
      assert.deepEqual((await remote.verify(token)).scopes, new Set(SCOPES));
    });

    it("refuses a token signed by another key as bad_signature", async () => {
      const { url } = await served;
      const remote = verifier({ jwks: undefined, jwksUrl: `${url}/dev-issuer/jwks` });
      const impostor = await createDevIssuer(issuerOptions);
      const token = await impostor.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
      assert.equal(await refusal(remote.verify(token)), "bad_signature");
    });

    it("answers issuer_unreachable when the JWKS URL answers 404", async () => {
      const { url } = await served;
      const remote = verifier({ jwks: undefined, jwksUrl: `${url}/dev-issuer/no-such-jwks` });
      const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
      assert.equal(await refusal(remote.verify(token)), "issuer_unreachable");
    });

    it("answers issuer_unreachable when nothing listens at the JWKS URL", async () => {
      const closed = await listenOnLoopback(() => {});
      await closed.close();
      const remote = verifier({ jwks: undefined, jwksUrl: `${closed.url}/dev-issuer/jwks` });
      const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
      assert.equal(await refusal(remote.verify(token)), "issuer_unreachable");
    });

    it("answers issuer_unreachable when the JWKS URL does not answer within jwksTimeoutMs", async () => {
      const silent = await listenOnLoopback(() => {});
      try {
        const remote = verifier({ jwks: undefined, jwksUrl: `${silent.url}/jwks`, jwksTimeoutMs: 200 });
        const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
        assert.equal(await refusal(remote.verify(token)), "issuer_unreachable");
      } finally {
        await silent.close();
      }
    });
  });
});
