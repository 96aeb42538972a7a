import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { after, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { createDevIssuer } from "./dev-issuer.ts";
import { createIntrospectionVerifier, type IntrospectionVerifierOptions } from "./introspection-verifier.ts";
import { AuthError, type AuthFailure } from "./principal.ts";
import { listenOnLoopback, readForm } from "./testing/listen-on-loopback.ts";
import { serveDevIssuer } from "./testing/serve-dev-issuer.ts";

const ISSUER = "http://127.0.0.1:9091/dev-issuer";
const AUDIENCE = "camara-webrtc-gateway";
const PHONE = "+34600000001";
const SCOPES = ["webrtc-call-handling:calls:create"];
// A client secret with characters that RFC 6749 §2.3.1 form-encodes before base64.
const CLIENT = { clientId: "gateway", clientSecret: "s3cr3t:+/ %" };

const devIssuer = await createDevIssuer({
  issuer: ISSUER,
  audience: AUDIENCE,
  clients: [CLIENT],
  phoneNumbers: [PHONE],
});
const served = await serveDevIssuer(devIssuer);
after(() => served.close());

function verifier(overrides: Partial<IntrospectionVerifierOptions> = {}) {
  return createIntrospectionVerifier({
    introspectionUrl: `${served.url}/dev-issuer/introspect`,
    ...CLIENT,
    issuer: ISSUER,
    audience: AUDIENCE,
    ...overrides,
  });
}

async function refusal(verification: Promise<unknown>): Promise<AuthError & { reason: AuthFailure }> {
  try {
    await verification;
  } catch (error) {
    assert.ok(error instanceof AuthError, `expected an AuthError, got ${String(error)}`);
    return error;
  }
  return assert.fail("the token was accepted");
}

/** A server that answers every request with `body` and remembers what it was sent. */
async function answering(body: unknown) {
  const seen: { headers: IncomingHttpHeaders; form: URLSearchParams }[] = [];
  const server = await listenOnLoopback(async (request, response) => {
    seen.push({ headers: request.headers, form: await readForm(request) });
    response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  });
  return { server, seen };
}

describe("introspection verifier", () => {
  it("maps an active token's introspection answer into a Principal", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    assert.deepEqual(await verifier().verify(token), {
      subject: PHONE,
      clientId: "gateway",
      phoneNumber: PHONE,
      scopes: new Set(SCOPES),
      expiresAtMs: (decodeJwt(token).exp ?? 0) * 1000,
    });
  });

  it("posts token and token_type_hint form-encoded, authenticated with HTTP Basic (RFC 6749 §2.3.1)", async () => {
    const { server, seen } = await answering({ active: true, sub: "u", iss: ISSUER, aud: AUDIENCE });
    try {
      await verifier({ introspectionUrl: server.url }).verify("opaque-token");
      const [request] = seen;
      assert.ok(request);
      assert.equal(request.headers["content-type"], "application/x-www-form-urlencoded;charset=UTF-8");
      assert.equal(request.form.toString(), "token=opaque-token&token_type_hint=access_token");
      const basic = Buffer.from("gateway:s3cr3t%3A%2B%2F+%25").toString("base64");
      assert.equal(request.headers.authorization, `Basic ${basic}`);
    } finally {
      await server.close();
    }
  });

  it("refuses a token the server reports inactive as inactive", async () => {
    assert.equal((await refusal(verifier().verify("garbage"))).reason, "inactive");
  });

  it("refuses a token the server still reports active but that expired by our clock as expired", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES, lifetimeSec: 60 });
    const later = verifier({ clock: () => Date.now() + 120_000 });
    assert.equal((await refusal(later.verify(token))).reason, "expired");
  });

  it("refuses an active answer whose nbf is beyond the clock tolerance as not_yet_valid", async () => {
    const nbf = Math.floor(Date.now() / 1000) + 120;
    const { server } = await answering({ active: true, sub: "u", iss: ISSUER, aud: AUDIENCE, nbf });
    try {
      const reason = (await refusal(verifier({ introspectionUrl: server.url }).verify("t"))).reason;
      assert.equal(reason, "not_yet_valid");
    } finally {
      await server.close();
    }
  });

  it("refuses an active token of another issuer or for another audience", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    assert.equal(
      (await refusal(verifier({ issuer: "https://idp.example" }).verify(token))).reason,
      "wrong_issuer",
    );
    assert.equal((await refusal(verifier({ audience: ["other"] }).verify(token))).reason, "wrong_audience");
  });

  it("answers issuer_unreachable, naming the credentials, when the server refuses the gateway's client", async () => {
    const token = await devIssuer.issueToken({ phoneNumber: PHONE, scopes: SCOPES });
    const error = await refusal(verifier({ clientSecret: "wrong" }).verify(token));
    assert.equal(error.reason, "issuer_unreachable");
    assert.match(
      error.message,
      /refused the gateway's client credentials \(401\); check clientId and clientSecret/,
    );
  });

  it("answers issuer_unreachable when nothing listens at the introspection URL", async () => {
    const down = await listenOnLoopback(() => {});
    await down.close();
    const error = await refusal(verifier({ introspectionUrl: `${down.url}/introspect` }).verify("t"));
    assert.equal(error.reason, "issuer_unreachable");
  });

  it("answers issuer_unreachable after timeoutMs when the server never answers", async () => {
    const silent = await listenOnLoopback(() => {});
    try {
      const started = performance.now();
      const error = await refusal(verifier({ introspectionUrl: silent.url, timeoutMs: 150 }).verify("t"));
      assert.equal(error.reason, "issuer_unreachable");
      assert.match(error.message, /did not answer within 150 ms/);
      assert.ok(performance.now() - started < 1500, "the timeout was not honoured");
    } finally {
      await silent.close();
    }
  });

  it("answers issuer_unreachable when the answer is not an RFC 7662 response", async () => {
    const { server } = await answering({ sub: "u" });
    try {
      const error = await refusal(verifier({ introspectionUrl: server.url }).verify("t"));
      assert.equal(error.reason, "issuer_unreachable");
    } finally {
      await server.close();
    }
  });
});
