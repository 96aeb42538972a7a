import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createDevIssuer, type DevIssuerOptions } from "./dev-issuer.ts";
import { createJwtVerifier } from "./jwt-verifier.ts";

const ISSUER = "http://127.0.0.1:9091/dev-issuer";
const AUDIENCE = "camara-webrtc-gateway";
const PHONE = "+34600000001";
const SCOPES = ["webrtc-call-handling:calls:create", "webrtc-call-handling:calls:read"];
const options: DevIssuerOptions = {
  issuer: `${ISSUER}/`,
  audience: AUDIENCE,
  clients: [{ clientId: "dev-client", clientSecret: "dev-secret" }],
  phoneNumbers: [PHONE, "+34600000002"],
  scopes: SCOPES,
};
const devIssuer = await createDevIssuer(options);
const work = mkdtempSync(join(tmpdir(), "dev-issuer-"));
after(() => rmSync(work, { recursive: true, force: true }));

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
const DEV_CLIENT = basic("dev-client", "dev-secret");
const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const grant = (fields: Record<string, string> = {}) =>
  form({ grant_type: "client_credentials", scope: SCOPES.join(" "), phone_number: PHONE, ...fields });
const verifierFor = (jwks = devIssuer.jwks()) =>
  createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks });

describe("dev issuer", () => {
  it("advertises its issuer, the four mounted routes and client credentials in its discovery document", () => {
    assert.deepEqual(devIssuer.discovery(), {
      issuer: ISSUER,
      jwks_uri: `${ISSUER}/jwks`,
      token_endpoint: `${ISSUER}/token`,
      introspection_endpoint: `${ISSUER}/introspect`,
      grant_types_supported: ["client_credentials"],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      scopes_supported: SCOPES,
      claims_supported: [
        "iss",
        "aud",
        "sub",
        "client_id",
        "phone_number",
        "scope",
        "iat",
        "nbf",
        "exp",
        "jti",
      ],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["ES256"],
    });
  });

  it("publishes only the public half of its ES256 key in its JWKS", () => {
    const [key, ...others] = devIssuer.jwks().keys;
    assert.equal(others.length, 0);
    assert.deepEqual(Object.keys(key ?? {}).sort(), ["alg", "crv", "kid", "kty", "use", "x", "y"]);
  });

  describe("token endpoint (RFC 6749 §4.4)", () => {
    it("issues a Bearer token for the requested phone number and scopes, not to be cached", async () => {
      const answer = await devIssuer.tokenEndpoint(grant(), DEV_CLIENT);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers["Cache-Control"], "no-store");
      assert.equal(answer.headers.Pragma, "no-cache");
      const { access_token: token, ...rest } = answer.body;
      assert.deepEqual(rest, { token_type: "Bearer", expires_in: 3600, scope: SCOPES.join(" ") });
      const principal = await verifierFor().verify(String(token));
      assert.equal(principal.phoneNumber, PHONE);
      assert.equal(principal.clientId, "dev-client");
      assert.deepEqual(principal.scopes, new Set(SCOPES));
    });

    it("mints a token already expired with expires_in=1 and issued_ago=3600, which the verifier refuses", async () => {
      const answer = await devIssuer.tokenEndpoint(
        form({
          grant_type: "client_credentials",
          client_id: "dev-client",
          client_secret: "dev-secret",
          expires_in: "1",
          issued_ago: "3600",
        }),
        undefined,
      );
      assert.equal(answer.status, 200);
      const [, payload] = String(answer.body.access_token).split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as {
        iat: number;
        exp: number;
      };
      assert.equal(claims.exp - claims.iat, 1);
      assert.ok(Math.abs(claims.iat - (Date.now() / 1000 - 3600)) < 5, `iat ${claims.iat}`);
      await assert.rejects(verifierFor().verify(String(answer.body.access_token)));
    });

    it("accepts client_secret_post, grants every configured scope when none is asked, honours expires_in", async () => {
      const fields = {
        grant_type: "client_credentials",
        client_id: "dev-client",
        client_secret: "dev-secret",
      };
      const answer = await devIssuer.tokenEndpoint(form({ ...fields, expires_in: "60" }), undefined);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.expires_in, 60);
      const principal = await verifierFor().verify(String(answer.body.access_token));
      assert.deepEqual(principal, {
        subject: "dev-client",
        clientId: "dev-client",
        phoneNumber: undefined,
        scopes: new Set(SCOPES),
        expiresAtMs: principal.expiresAtMs,
      });
      assert.ok(Math.abs((principal.expiresAtMs ?? 0) - Date.now() - 60_000) < 2000);
    });

    const errors: [
      string,
      { fields: URLSearchParams; authorization: string | undefined; status: number; body: object },
    ][] = [
      [
        "a wrong client secret",
        {
          fields: grant(),
          authorization: basic("dev-client", "nope"),
          status: 401,
          body: { error: "invalid_client", error_description: "Unknown client or wrong secret." },
        },
      ],
      [
        "no client authentication",
        {
          fields: grant(),
          authorization: undefined,
          status: 401,
          body: {
            error: "invalid_client",
            error_description: "Client authentication is required (HTTP Basic or client_secret).",
          },
        },
      ],
      [
        "two client authentication methods",
        {
          fields: grant({ client_secret: "dev-secret" }),
          authorization: DEV_CLIENT,
          status: 400,
          body: {
            error: "invalid_request",
            error_description: "Use either HTTP Basic or client_secret, not both.",
          },
        },
      ],
      [
        "a missing grant_type",
        {
          fields: form({ scope: SCOPES[0] ?? "" }),
          authorization: DEV_CLIENT,
          status: 400,
          body: { error: "invalid_request", error_description: "grant_type is required." },
        },
      ],
      [
        "an unsupported grant_type",
        {
          fields: grant({ grant_type: "password" }),
          authorization: DEV_CLIENT,
          status: 400,
          body: {
            error: "unsupported_grant_type",
            error_description: "Only grant_type=client_credentials is supported.",
          },
        },
      ],
      [
        "a scope the issuer does not grant",
        {
          fields: grant({ scope: "webrtc-call-handling:calls:create admin" }),
          authorization: DEV_CLIENT,
          status: 400,
          body: {
            error: "invalid_scope",
            error_description: 'Scope "admin" is not supported by this issuer.',
          },
        },
      ],
      [
        "a phone number that is not configured",
        {
          fields: grant({ phone_number: "+34699999999" }),
          authorization: DEV_CLIENT,
          status: 400,
          body: {
            error: "invalid_request",
            error_description:
              "phone_number must be one of the configured test numbers: +34600000001, +34600000002.",
          },
        },
      ],
      [
        "a repeated parameter",
        {
          fields: new URLSearchParams([...grant(), ["scope", "webrtc-call-handling:calls:read"]]),
          authorization: DEV_CLIENT,
          status: 400,
          body: { error: "invalid_request", error_description: "scope must appear at most once." },
        },
      ],
      [
        "an expires_in that is not a positive whole number",
        {
          fields: grant({ expires_in: "-5" }),
          authorization: DEV_CLIENT,
          status: 400,
          body: {
            error: "invalid_request",
            error_description: "expires_in must be a positive whole number of seconds.",
          },
        },
      ],
      [
        "an issued_ago that is not a whole number of seconds",
        {
          fields: grant({ issued_ago: "-1" }),
          authorization: DEV_CLIENT,
          status: 400,
          body: {
            error: "invalid_request",
            error_description: "issued_ago must be a whole number of seconds, 0 or more.",
          },
        },
      ],
    ];
    for (const [name, { fields, authorization, status, body }] of errors) {
      it(`answers ${status} ${(body as { error: string }).error} to ${name} (RFC 6749 §5.2)`, async () => {
        const answer = await devIssuer.tokenEndpoint(fields, authorization);
        assert.equal(answer.status, status);
        assert.deepEqual(answer.body, body);
        if (status === 401) assert.equal(answer.headers["WWW-Authenticate"], 'Basic realm="dev-issuer"');
      });
    }
  });

  describe("introspection endpoint (RFC 7662)", () => {
    it("answers active:true with the claims of its own token", async () => {
      const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
      const answer = await devIssuer.introspect(form({ token, token_type_hint: "access_token" }), DEV_CLIENT);
      assert.equal(answer.status, 200);
      const { iat, nbf, exp, jti, ...rest } = answer.body;
      assert.deepEqual(rest, {
        active: true,
        token_type: "Bearer",
        iss: ISSUER,
        aud: AUDIENCE,
        sub: PHONE,
        client_id: "dev-client",
        phone_number: PHONE,
        scope: SCOPES.join(" "),
      });
      assert.equal(typeof jti, "string");
      assert.equal(nbf, iat);
      assert.equal(exp, Number(iat) + 3600);
    });

    it("answers only active:false for a token it cannot verify", async () => {
      const other = await createDevIssuer(options);
      for (const token of ["garbage", await other.issueToken({ phoneNumber: PHONE, scopes: SCOPES })]) {
        const answer = await devIssuer.introspect(form({ token }), DEV_CLIENT);
        assert.deepEqual(
          { status: answer.status, body: answer.body },
          { status: 200, body: { active: false } },
        );
      }
    });

    it("answers 401 invalid_client without client authentication", async () => {
      const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
      const answer = await devIssuer.introspect(form({ token }), undefined);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error, "invalid_client");
    });

    it("answers 400 invalid_request without a token", async () => {
      const answer = await devIssuer.introspect(form({}), DEV_CLIENT);
      assert.deepEqual(answer.body, {
        error: "invalid_request",
        error_description: "Exactly one token parameter is required.",
      });
    });
  });

  describe("keyFile", () => {
    it("keeps the key in a 0600 file so a token issued before a restart still verifies after it", async () => {
      const keyFile = join(work, "keys", "dev-issuer.jwk.json");
      const before = await createDevIssuer({ ...options, keyFile });
      const token = await before.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);

      const restarted = await createDevIssuer({ ...options, keyFile });
      assert.deepEqual(restarted.jwks(), before.jwks());
      assert.equal((await verifierFor(restarted.jwks()).verify(token)).phoneNumber, PHONE);
      assert.equal((await restarted.introspect(form({ token }), DEV_CLIENT)).body.active, true);
    });

    it("refuses to start from a key file that holds a key for another algorithm", async () => {
      const keyFile = join(work, "rsa.jwk.json");
      await createDevIssuer({ ...options, keyFile, keyAlg: "RS256" });
      await assert.rejects(createDevIssuer({ ...options, keyFile }), /does not hold a private ES256 JWK/);
    });
  });
});
