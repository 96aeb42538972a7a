import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createSchemaValidator } from "camara-webrtc-runtime";
import { startTestGateway, type TestGateway } from "../../../impl/testing/test-gateway.ts";
import type { OpenApiDocument } from "../../codegen/effective-spec.ts";
import { loadApiSpec } from "./load-api-spec.ts";
import { prismDocument } from "./prism-document.ts";
import { formatViolation, type PrismViolation, parsePrismLine } from "./prism-log.ts";
import { PRISM_MOCK_TRAPS } from "./prism-traps.ts";
import { type PrismServer, startPrism } from "./start-prism.ts";

const DEVICE_ID = "7d444840-9dc0-11d1-b245-5ffdce74fad2";

/** Waits (bounded) until `predicate` holds for the violations Prism has logged. */
async function violationsUntil(
  prism: PrismServer,
  predicate: (v: PrismViolation[]) => boolean,
): Promise<PrismViolation[]> {
  const deadline = Date.now() + 10_000;
  while (!predicate(prism.violations)) {
    if (Date.now() > deadline) assert.fail(`violations never matched: ${JSON.stringify(prism.violations)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return prism.violations;
}

describe("prismDocument", () => {
  it("strips every callback, prefixes paths with the server base path and serves from /", async () => {
    const spec = await loadApiSpec("webrtc-events");
    const doc = prismDocument(spec);
    assert.equal(JSON.stringify(doc).includes('"callbacks"'), false);
    assert.ok(JSON.stringify(spec).includes('"callbacks"'));
    assert.deepEqual(Object.keys(doc.paths as object), [
      "/webrtc-events/v0.2/subscriptions",
      "/webrtc-events/v0.2/subscriptions/{subscriptionId}",
    ]);
    assert.deepEqual(doc.servers, [{ url: "/" }]);
  });

  it("takes an API of another release as <release>/<api>", async () => {
    const doc = prismDocument(await loadApiSpec("r3.1-rc.1/webrtc-events"));
    assert.deepEqual(Object.keys(doc.paths as object), [
      "/webrtc-events/v0.3rc1/subscriptions",
      "/webrtc-events/v0.3rc1/subscriptions/{subscriptionId}",
    ]);
  });
});

describe("parsePrismLine", () => {
  const table: [string, { line: string; want: ReturnType<typeof parsePrismLine> }][] = [
    [
      "listening",
      {
        line: "[2:42:59 AM] › [CLI] ▶  start     Prism is listening on http://127.0.0.1:47123",
        want: { type: "listening", url: "http://127.0.0.1:47123" },
      },
    ],
    [
      "request",
      {
        line: "[2:43:04 AM] › [HTTP SERVER] post /webrtc-registration/v0.3/sessions ℹ  info      Request received",
        want: { type: "request", request: "POST /webrtc-registration/v0.3/sessions" },
      },
    ],
    [
      "violation",
      {
        line: "[2:43:04 AM] ›     [VALIDATOR] ✖  error     Violation: request.body Request body must have required property 'deviceId'",
        want: {
          type: "violation",
          violation: {
            severity: "error",
            location: "request.body",
            message: "Request body must have required property 'deviceId'",
            request: "POST /x",
          },
        },
      },
    ],
    ["other", { line: "[2:43:04 AM] ›     [NEGOTIATOR] ✔  success   Found response 400.", want: null }],
  ];
  for (const [name, { line, want }] of table) {
    it(`reads a ${name} line`, () => assert.deepEqual(parsePrismLine(line, "POST /x"), want));
  }

  it("prints a violation with its request", () => {
    assert.equal(
      formatViolation({
        severity: "error",
        location: "request.body",
        message: "Request body must have required property 'deviceId'",
        request: "POST /s",
      }),
      "VIOLATION error request.body POST /s: Request body must have required property 'deviceId'",
    );
  });
});

describe("npm run spec:mock", () => {
  let registration: PrismServer;
  let events: PrismServer;
  let spec: OpenApiDocument;
  before(async () => {
    spec = await loadApiSpec("webrtc-registration");
    [registration, events] = await Promise.all([
      startPrism({ mode: "mock", spec }),
      loadApiSpec("webrtc-events").then((s) => startPrism({ mode: "mock", spec: s })),
    ]);
  });
  after(async () => {
    await Promise.all([registration?.close(), events?.close()]);
  });

  it("answers createRegistration on loopback with a body valid against regSessionResponse", async () => {
    assert.match(registration.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${registration.url}/webrtc-registration/v0.3/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer token" },
      body: JSON.stringify({ deviceId: DEVICE_ID }),
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    const validator = createSchemaValidator({ "webrtc-registration": spec });
    assert.equal(
      validator.validate("webrtc-registration", "#/components/schemas/regSessionResponse", body),
      null,
    );
    assert.deepEqual(registration.violations, []);
  });

  it("has the documented traps: 422 instead of 400, x-correlator not echoed, any bearer accepted", async () => {
    assert.equal(PRISM_MOCK_TRAPS.length, 4);
    const response = await fetch(`${events.url}/webrtc-events/v0.2/subscriptions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer not-a-jwt",
        "x-correlator": "abc-123",
      },
      body: "{}",
    });
    assert.equal(
      response.status,
      422,
      "Prism picks the documented 422 for an invalid request; CAMARA expects 400",
    );
    assert.deepEqual(await response.json(), {
      status: 422,
      code: "SERVICE_NOT_APPLICABLE",
      message: "The service is not available for the provided identifier.",
    });
    assert.equal(response.headers.get("x-correlator"), "b4333c46-49c0-4f62-80d7-f0ef930f1c46");
    const withoutToken = await fetch(`${events.url}/webrtc-events/v0.2/subscriptions`);
    assert.equal(withoutToken.status, 401);
  });
});

describe("npm run spec:proxy", () => {
  let gateway: TestGateway;
  let proxy: PrismServer;
  const printed: string[] = [];
  before(async () => {
    gateway = await startTestGateway();
    proxy = await startPrism({
      mode: "proxy",
      spec: await loadApiSpec("webrtc-registration"),
      upstream: gateway.baseUrl,
      onViolation: (v) => printed.push(formatViolation(v)),
    });
  });
  after(async () => {
    await proxy?.close();
    await gateway?.close();
  });

  it("forwards a compliant request without violation, and prints the violation of a non-compliant one", async () => {
    const token = await gateway.token();
    const send = (body: unknown) =>
      fetch(`${proxy.url}/webrtc-registration/v0.3/sessions`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "x-correlator": "proxy-test-1",
        },
        body: JSON.stringify(body),
      });
    const compliant = await send({ deviceId: DEVICE_ID });
    assert.equal(compliant.status, 200, await compliant.clone().text());
    assert.equal(compliant.headers.get("x-correlator"), "proxy-test-1", "the gateway's answer comes through");
    const invalid = await send({ deviceName: "no deviceId" });
    assert.equal(invalid.status, 400);
    assert.deepEqual(await invalid.json(), {
      status: 400,
      code: "INVALID_ARGUMENT",
      message: "Client specified an invalid argument: body must have required property 'deviceId'.",
    });
    // Prism logs in order: once the second request's violation is there, the first one's would be too.
    const violations = await violationsUntil(proxy, (v) => v.some((x) => x.location === "request.body"));
    assert.deepEqual(violations, [
      {
        severity: "error",
        location: "request.body",
        message: "Request body must have required property 'deviceId'",
        request: "POST /webrtc-registration/v0.3/sessions",
      },
    ]);
    assert.deepEqual(printed, [
      "VIOLATION error request.body POST /webrtc-registration/v0.3/sessions: Request body must have required property 'deviceId'",
    ]);
  });
});
