import assert from "node:assert/strict";
import { createHmac, createPublicKey, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  AuthError,
  type AuthFailure,
  createDevIssuer,
  createJwtVerifier,
  type DevIssuer,
} from "camara-webrtc-runtime";
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from "jose";
import pino from "pino";
import type { OperationManifest } from "../../generated/index.ts";
import { createGateway } from "../gateway.ts";
import { loadContract } from "../load-contract.ts";
import { createSqliteStore } from "../store/index.ts";
import { createFakeEngine } from "../testing/fake-engine.ts";
import {
  ALICE,
  ALL_SCOPES,
  AUDIENCE,
  BOB,
  ISSUER,
  startTestGateway,
  type TestGateway,
} from "../testing/test-gateway.ts";

/**
 * Every operation of the three APIs of every served release (r2.2, r3.1-rc.1) refuses every kind of bad credential with exactly 401
 * UNAUTHENTICATED, and a token lacking the operation's scope with 403 PERMISSION_DENIED.
 */

const operations = loadContract().releases.flatMap((r) => r.apis.flatMap((api) => api.operations));
const XCORRELATOR = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;
const HOUR = 3600;

function issuerOptions(overrides: { issuer?: string; audience?: string; clock?: () => number } = {}) {
  return {
    issuer: ISSUER,
    audience: AUDIENCE,
    clients: [{ clientId: "test-client", clientSecret: "test-secret" }],
    phoneNumbers: [ALICE, BOB],
    ...overrides,
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The claims the dev issuer would put in ALICE's token, valid for an hour. */
function aliceClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const times = { iat: now, nbf: now, exp: now + HOUR, jti: randomUUID(), scope: ALL_SCOPES.join(" ") };
  return { iss: ISSUER, aud: AUDIENCE, sub: ALICE, phone_number: ALICE, client_id: "test-client", ...times };
}

function unsignedToken(): string {
  return `${b64({ alg: "none", typ: "at+jwt" })}.${b64(aliceClaims())}.`;
}

/** HS256 with the issuer's public key as the HMAC secret: the key-confusion forgery. */
function hmacToken(jwk: JWK, secretForm: "jwk" | "pem"): string {
  const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: jwk.kid })}.${b64(aliceClaims())}`;
  const secret =
    secretForm === "jwk"
      ? JSON.stringify(jwk)
      : String(createPublicKey({ key: jwk as never, format: "jwk" }).export({ type: "spki", format: "pem" }));
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** A key of its own for tokens whose header the dev issuer would never write. */
const plainKey = await generateKeyPair("ES256");
const plainJwk: JWK = { ...(await exportJWK(plainKey.publicKey)), kid: "plain-jwt", alg: "ES256" };

/** ALICE's claims, signed by a trusted key, but typed `JWT` (RFC 9068 §4 requires `at+jwt`). */
async function plainJwtToken(): Promise<string> {
  return new SignJWT(aliceClaims())
    .setProtectedHeader({ alg: "ES256", kid: "plain-jwt", typ: "JWT" })
    .sign(plainKey.privateKey);
}

const publicJwk = (issuer: DevIssuer): JWK => {
  const [jwk] = issuer.jwks().keys;
  assert.ok(jwk, "the issuer publishes a key");
  return jwk;
};

/** A second gateway trusting several keys, so that claims (not signatures) are what fails. */
async function startMultiKeyGateway(jwks: JSONWebKeySet) {
  const gateway = createGateway({
    store: createSqliteStore({ file: ":memory:" }),
    engine: createFakeEngine().factory,
    verifier: createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks }),
    events: { publish: async () => undefined },
    logger: pino({ level: "silent" }),
    ttl: { defaultSec: HOUR, minSec: 300, maxSec: 86400 },
    validateResponses: true,
  });
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
    },
  };
}

const subscriptionBody = (registrationId: string) => ({
  protocol: "HTTP",
  sink: "https://127.0.0.1:9443/sink",
  types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
  config: { subscriptionDetail: { registrationId } },
});

type Issuers = Record<"trusted" | "impostor" | "otherIssuer" | "otherAudience" | "past" | "rsa", DevIssuer>;
type Choose = (i: Issuers) => DevIssuer;

const bearer =
  (pick: Choose, extra: { lifetimeSec?: number; notBeforeSec?: number } = {}) =>
  async (i: Issuers) =>
    `Bearer ${await pick(i).issueToken({ phoneNumber: ALICE, scopes: ALL_SCOPES, ...extra })}`;
const hs = (pick: Choose, form: "jwk" | "pem") => async (i: Issuers) =>
  `Bearer ${hmacToken(publicJwk(pick(i)), form)}`;
const fixed = (value: string | undefined) => async () => value;

/**
 * Bad credentials. Those with a `reason` go to a gateway that trusts the key they are signed with,
 * so that what fails is that claim or algorithm, not the signature.
 */
const CREDENTIALS: readonly {
  readonly name: string;
  readonly make: (i: Issuers) => Promise<string | undefined>;
  readonly reason?: AuthFailure;
}[] = [
  { name: "no Authorization header", make: fixed(undefined) },
  { name: 'the header "Bearer" alone', make: fixed("Bearer") },
  { name: "Basic credentials", make: fixed("Basic dGVzdC1jbGllbnQ6dGVzdC1zZWNyZXQ=") },
  { name: 'the header "Bearer a b"', make: fixed("Bearer a b") },
  { name: "a garbage token", make: fixed("Bearer not-a-jwt") },
  { name: "a token signed by another key under the same iss and aud", make: bearer((i) => i.impostor) },
  { name: "an unsigned token (alg none)", make: async () => `Bearer ${unsignedToken()}` },
  { name: "HS256 keyed with the issuer's public JWK", make: hs((i) => i.trusted, "jwk") },
  { name: "HS256 keyed with the issuer's public PEM", make: hs((i) => i.trusted, "pem") },
  {
    name: "a token not valid for another hour (nbf)",
    make: bearer((i) => i.trusted, { notBeforeSec: HOUR }),
  },
  { name: "a token of another issuer (other key)", make: bearer((i) => i.otherIssuer) },
  { name: "a token for another audience (other key)", make: bearer((i) => i.otherAudience) },
  {
    name: "a token expired 100 min ago",
    reason: "expired",
    make: bearer((i) => i.past, { lifetimeSec: 600 }),
  },
  {
    name: "a trusted-key token of another issuer",
    reason: "wrong_issuer",
    make: bearer((i) => i.otherIssuer),
  },
  {
    name: "a trusted-key token for another audience",
    reason: "wrong_audience",
    make: bearer((i) => i.otherAudience),
  },
  {
    name: "a trusted-key token with nbf in 1 h",
    reason: "not_yet_valid",
    make: bearer((i) => i.rsa, { notBeforeSec: HOUR }),
  },
  {
    name: "HS256 keyed with a trusted RSA public PEM",
    reason: "unsupported_algorithm",
    make: hs((i) => i.rsa, "pem"),
  },
  {
    name: "HS256 keyed with a trusted RSA public JWK",
    reason: "unsupported_algorithm",
    make: hs((i) => i.rsa, "jwk"),
  },
  {
    name: "a trusted-key token with typ JWT instead of at+jwt",
    reason: "wrong_type",
    make: async () => `Bearer ${await plainJwtToken()}`,
  },
];

let gw: TestGateway;
let ids: Record<string, string> = {};

/** A valid request to `op` on ALICE's resources, but for its credentials. */
function requestFor(op: OperationManifest): { path: string; body?: string; headers: Record<string, string> } {
  const bodies: Record<string, unknown> = {
    createRegistration: { deviceId: randomUUID() },
    updateRegistrationById: {},
    createSession: { receiverAddress: "tel:+34600000009" },
    updateSessionStatus: { status: "Ringing" },
    createNotificationChannelSubscription: subscriptionBody(ids.registrationId ?? ""),
  };
  if (op.release === "r3.1-rc.1") {
    bodies.createNotificationChannelSubscription = {
      protocol: "HTTP",
      sink: "https://127.0.0.1:9443/sink",
      types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
      config: { subscriptionDetail: { deviceId: ids.deviceId ?? "" } },
    };
    bodies.updateNotificationChannelSubscription = {
      config: { subscriptionExpireTime: "2100-01-01T00:00:00Z" },
    };
    bodies.createSession = {
      originatorAddress: "tel:+34600000001",
      receiverAddress: "tel:+34600000009",
      offer: { sdp: "v=0" },
    };
  }
  const query = op.parameters.some((p) => p.in === "query" && p.name === "deviceId")
    ? `?deviceId=${randomUUID()}`
    : "";
  const path = `${op.fullPath.replace(/\{([^}]+)\}/g, (_m, name: string) => ids[name] ?? "unknown")}${query}`;
  const headers: Record<string, string> = {};
  if (op.parameters.some((p) => p.in === "header" && p.name === "registrationId")) {
    headers.registrationId = ids.registrationId ?? "";
  }
  const body = op.requestBody ? JSON.stringify(bodies[op.operationId] ?? {}) : undefined;
  if (body !== undefined) headers["content-type"] = "application/json";
  return { path, headers, ...(body !== undefined ? { body } : {}) };
}

async function call(
  baseUrl: string,
  op: OperationManifest,
  authorization: string | undefined,
): Promise<Response> {
  const { path, body, headers } = requestFor(op);
  if (authorization !== undefined) headers.authorization = authorization;
  return fetch(`${baseUrl}${path}`, {
    method: op.method.toUpperCase(),
    headers,
    ...(body !== undefined ? { body } : {}),
  });
}

/** Exactly the ErrorInfo `{status, code, message}` with a sentence for message, and an x-correlator. */
async function assertError(res: Response, status: number, code: string, what: string): Promise<void> {
  const text = await res.text();
  const where = `${what}: answered ${res.status} ${text.slice(0, 300)}`;
  assert.equal(res.status, status, where);
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual({ ...body, message: typeof body.message }, { status, code, message: "string" }, where);
  assert.match(String(body.message), /\S+\s+\S+/, where);
  const correlator = res.headers.get("x-correlator");
  assert.ok(correlator && XCORRELATOR.test(correlator), `${where}: no valid x-correlator`);
  if (status === 401) assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer\b/, where);
}

describe("authentication and scopes on every operation", () => {
  let issuers: Issuers;
  let trustedKeys: JSONWebKeySet;
  let multi: Awaited<ReturnType<typeof startMultiKeyGateway>>;
  const authorization = new Map<string, string | undefined>();

  before(async () => {
    gw = await startTestGateway();
    const created = async (res: Response) => {
      assert.ok(res.ok, `fixture: ${res.status} ${await res.clone().text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const deviceId = randomUUID();
    const registrationId = String(
      (await created(await gw.request("POST", "/webrtc-registration/v0.3/sessions", { body: { deviceId } })))
        .registrationId,
    );
    ids = { registrationId, deviceId };
    const session = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      headers: { registrationId },
      body: { receiverAddress: "tel:+34600000009" },
    });
    ids.mediaSessionId = String((await created(session)).mediaSessionId);
    const sub = await gw.request("POST", "/webrtc-events/v0.2/subscriptions", {
      body: subscriptionBody(registrationId),
    });
    ids.subscriptionId = String((await created(sub)).id);

    issuers = {
      trusted: gw.issuer,
      impostor: await createDevIssuer(issuerOptions()),
      otherIssuer: await createDevIssuer(issuerOptions({ issuer: "http://127.0.0.1/other-issuer" })),
      otherAudience: await createDevIssuer(issuerOptions({ audience: "another-api" })),
      past: await createDevIssuer(issuerOptions({ clock: () => Date.now() - 2 * HOUR * 1000 })),
      rsa: await createDevIssuer({ ...issuerOptions(), keyAlg: "RS256" }),
    };
    trustedKeys = {
      keys: [
        ...[issuers.past, issuers.otherIssuer, issuers.otherAudience, issuers.rsa].map(publicJwk),
        plainJwk,
      ],
    };
    multi = await startMultiKeyGateway(trustedKeys);
    for (const c of CREDENTIALS) authorization.set(c.name, await c.make(issuers));
  });
  after(async () => {
    await multi?.close();
    await gw?.close();
  });

  for (const op of operations) {
    const label = `${op.release} ${op.operationId} (${op.method.toUpperCase()} ${op.fullPath})`;
    for (const c of CREDENTIALS) {
      it(`${label} answers ${c.name} with 401 UNAUTHENTICATED`, async () => {
        const res = await call(c.reason ? multi.baseUrl : gw.baseUrl, op, authorization.get(c.name));
        await assertError(res, 401, "UNAUTHENTICATED", `${label}, ${c.name}`);
      });
    }
    it(`${label} answers a token with every scope but ${op.scopes.join(" / ")} with 403 PERMISSION_DENIED`, async () => {
      const token = await gw.token(
        ALICE,
        ALL_SCOPES.filter((s) => !op.scopes.includes(s)),
      );
      await assertError(await call(gw.baseUrl, op, `Bearer ${token}`), 403, "PERMISSION_DENIED", label);
    });
  }

  it("refuses the trusted-key tokens for their claims or algorithm, not their signature (control)", async () => {
    const verifier = createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: trustedKeys });
    for (const c of CREDENTIALS.filter((x) => x.reason)) {
      const token = authorization.get(c.name)?.replace(/^Bearer /, "") ?? "";
      const reason = await verifier.verify(token).then(
        () => "accepted",
        (error: unknown) => (error instanceof AuthError ? error.reason : String(error)),
      );
      assert.equal(reason, c.reason, c.name);
    }
  });

  it("accepts a valid token of a trusted key on the multi-key gateway (control)", async () => {
    const token = await issuers.rsa.issueToken({ phoneNumber: ALICE, scopes: ALL_SCOPES });
    const res = await fetch(`${multi.baseUrl}/webrtc-events/v0.2/subscriptions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200, await res.text());
  });

  it("left ALICE's registration, session and subscription in place (control)", async () => {
    const session = await gw.request("GET", `/webrtc-call-handling/v0.3/sessions/${ids.mediaSessionId}`);
    assert.equal(session.status, 200);
    const sub = await gw.request("GET", `/webrtc-events/v0.2/subscriptions/${ids.subscriptionId}`);
    assert.equal(sub.status, 200);
    const path = `/webrtc-registration/v0.3/sessions/${ids.registrationId}`;
    assert.equal((await gw.request("PUT", path, { body: {} })).status, 200);
  });
});
