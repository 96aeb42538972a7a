import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createSchemaValidator } from "camara-webrtc-runtime";
import {
  bodyMutations,
  documentedErrorCodes,
  minimalInstance,
} from "../../conformance/schema/schema-mutations.ts";
import type { OperationManifest } from "../../generated/index.ts";
import { loadContract } from "../load-contract.ts";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/**
 * Every operation of the three APIs of every served release (r2.2 and r3.1-rc.1) against inputs
 * generated from its own release's effective spec: each
 * violation of its request body schema, bodies of the wrong shape, size, nesting, syntax and media
 * type, and bad parameters. Each must be refused with a 4xx ErrorInfo whose code the operation
 * documents for that status, carrying an x-correlator.
 */

const contract = loadContract();
/** Effective specs by `<release>/<api>`. */
const specs: Record<string, object> = Object.fromEntries(
  contract.releases.flatMap((r) =>
    Object.entries(r.specs).map(([api, spec]) => [`${r.release}/${api}`, spec]),
  ),
);
const validator = createSchemaValidator(specs);
const specOf = (op: OperationManifest) => specs[`${op.release}/${op.api}`] ?? {};
const XCORRELATOR = /^[a-zA-Z0-9-_:;./<>{}]{0,256}$/;
/** Codes CAMARA_common defines for any operation, whether or not its spec lists the status. */
const GENERIC_CODES: Record<number, string[]> = {
  405: ["METHOD_NOT_ALLOWED"],
  415: ["UNSUPPORTED_MEDIA_TYPE"],
};
const REGISTRATION_ID = "{{registrationId}}";
const DEVICE_ID = "{{deviceId}}";
/**
 * Valid bodies the mutations start from; the services accept them (see the control cases). Each
 * registration seed names a new device: r3.1 refuses a second one of a device with 409.
 */
const SEEDS: Record<string, unknown> = {
  get createRegistration() {
    return { deviceId: randomUUID() };
  },
  updateRegistrationById: { registrationExpireTime: new Date(Date.now() + 7200_000).toISOString() },
  createSession: { receiverAddress: "tel:+34600000009" },
  updateSessionStatus: { status: "Ringing" },
  createNotificationChannelSubscription: {
    protocol: "HTTP",
    sink: "https://127.0.0.1:9443/sink",
    types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
    config: { subscriptionDetail: { registrationId: REGISTRATION_ID } },
  },
};
/** Where r3.1's request schemas differ from r2.2's. */
const SEEDS_R3_1: Record<string, unknown> = {
  createNotificationChannelSubscription: {
    protocol: "HTTP",
    sink: "https://127.0.0.1:9443/sink",
    types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
    config: { subscriptionDetail: { deviceId: DEVICE_ID } },
  },
  updateNotificationChannelSubscription: {
    config: { subscriptionExpireTime: new Date(Date.now() + 7200_000).toISOString() },
  },
  createSession: {
    originatorAddress: "tel:+34600000001",
    receiverAddress: "tel:+34600000009",
    offer: { sdp: "v=0" },
  },
};

interface Case {
  readonly name: string;
  /** Raw request body; `{{registrationId}}` is replaced by a real registration of the caller. */
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly omitHeader?: string;
  /** Raw (already encoded) value for every path parameter, instead of a real resource id. */
  readonly pathValue?: string;
  /** Query string (without `?`) instead of a valid one. */
  readonly query?: string;
  /** The body is JSON the schema accepts (e.g. deep nesting under an unknown property): 2xx is fine too. */
  readonly schemaValid?: boolean;
}

function nested(depth: number, open: string, close: string, leaf: string): string {
  return `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
}

function seedOf(op: OperationManifest): unknown {
  const schema = op.requestBody?.content["application/json"];
  const seed = (op.release === "r3.1-rc.1" ? SEEDS_R3_1[op.operationId] : undefined) ?? SEEDS[op.operationId];
  return seed ?? (schema ? minimalInstance(specOf(op), schema) : undefined);
}

function casesOf(op: OperationManifest): Case[] {
  const cases: Case[] = [];
  const schema = op.requestBody?.content["application/json"];
  if (schema && op.requestBody) {
    const seed = seedOf(op);
    const seedText = JSON.stringify(seed);
    for (const m of bodyMutations(specOf(op), schema, seed)) {
      cases.push({ name: m.name, body: JSON.stringify(m.body) });
    }
    const firstKey = Object.keys(seed as object)[0] ?? "x";
    cases.push(
      { name: "a JSON array as the body", body: JSON.stringify([seed]) },
      { name: "null as the body", body: "null" },
      { name: "a number as the body", body: "42" },
      { name: "a string as the body", body: JSON.stringify(seedText) },
      { name: "5,000 levels of nested arrays as the body", body: nested(5000, "[", "]", "1") },
      {
        name: "5,000 levels of nested objects as the body",
        body: nested(5000, '{"a":', "}", "1"),
        // Valid where no property is required and unknown ones are allowed (regSessionUpdate).
        schemaValid:
          validator.validateSchema(
            `${op.release}/${op.api}`,
            schema,
            JSON.parse(nested(5000, '{"a":', "}", "1")),
          ) === null,
      },
      {
        name: `5,000 levels of nested arrays at body.${firstKey}`,
        body: seedText.replace(/\}$/, `,${JSON.stringify(firstKey)}:${nested(5000, "[", "]", "1")}}`),
      },
      {
        name: `5,000 levels of nested objects at body.${firstKey}`,
        body: seedText.replace(/\}$/, `,${JSON.stringify(firstKey)}:${nested(5000, '{"a":', "}", "1")}}`),
      },
      { name: "truncated JSON", body: seedText.slice(0, -1) },
      { name: "JSON with single quotes", body: seedText.replaceAll('"', "'") },
      { name: "JSON followed by garbage", body: `${seedText} trailing` },
      { name: "a JSON body sent as text/plain", body: seedText, contentType: "text/plain" },
      { name: "an XML body sent as application/xml", body: "<body/>", contentType: "application/xml" },
    );
    if (op.requestBody.required) cases.push({ name: "no body at all" });
  }
  const body = schema ? JSON.stringify(seedOf(op)) : undefined;
  const withSeed = (c: Case): Case => (body === undefined ? c : { body, ...c });
  for (const p of op.parameters) {
    if (p.in === "header" && p.name === "x-correlator") {
      for (const [label, value] of [
        ["containing a space", "bad correlator"],
        ["of 300 characters", "c".repeat(300)],
        ["containing a quote", 'a"b'],
      ] as const) {
        assert.ok(!XCORRELATOR.test(value), `${value} must violate XCorrelator`);
        cases.push(withSeed({ name: `an x-correlator ${label}`, headers: { "x-correlator": value } }));
      }
    } else if (p.in === "header" && p.required) {
      cases.push(withSeed({ name: `the required ${p.name} header missing`, omitHeader: p.name }));
      cases.push(
        withSeed({ name: `a ${p.name} header naming nothing`, headers: { [p.name]: randomUUID() } }),
      );
    } else if (p.in === "query" && p.required) {
      cases.push(withSeed({ name: `the required ${p.name} query parameter missing`, query: "" }));
      cases.push(
        withSeed({ name: `a malformed ${p.name} query parameter`, query: `${p.name}=not%20a%20uuid` }),
      );
      cases.push(
        withSeed({ name: `an undocumented query parameter`, query: `${p.name}=${randomUUID()}&x=1` }),
      );
    } else if (p.in === "path") {
      cases.push(withSeed({ name: `malformed percent-encoding in ${p.name}`, pathValue: "%ZZ" }));
      cases.push(withSeed({ name: `a ${p.name} that does not exist`, pathValue: randomUUID() }));
      cases.push(withSeed({ name: `a 4 KB ${p.name}`, pathValue: "i".repeat(4096) }));
    }
  }
  return cases;
}

let gw: TestGateway;

async function json(res: Response): Promise<Record<string, unknown>> {
  assert.ok(res.ok, `fixture request failed: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function newRegistration(deviceId: string): Promise<string> {
  const res = await gw.request("POST", "/webrtc-registration/v0.3/sessions", { body: { deviceId } });
  return String((await json(res)).registrationId);
}

/** A resource of the caller for each path parameter, and a registration for everything else. */
async function fixture(
  op: OperationManifest,
): Promise<{ path: string; registrationId: string; deviceId: string }> {
  const deviceId = randomUUID();
  const registrationId = await newRegistration(deviceId);
  let path = op.fullPath;
  for (const p of op.parameters.filter((q) => q.in === "path")) {
    let id = registrationId;
    if (p.name === "mediaSessionId") {
      // An incoming call: a terminating session in Initial, which the Ringing seed may move on.
      id = randomUUID();
      await gw.engine.listener.incomingCall({
        mediaSessionId: id,
        registrationId,
        originatorAddress: "tel:+34600000009",
        originatorName: undefined,
        receiverAddress: "tel:+34600000001",
        offerSdp: "v=0",
      });
    } else if (p.name === "subscriptionId" && op.release === "r3.1-rc.1") {
      const body = JSON.stringify(SEEDS_R3_1.createNotificationChannelSubscription).replace(
        DEVICE_ID,
        deviceId,
      );
      id = String(
        (await json(await gw.request("POST", "/webrtc-events/v0.3rc1/subscriptions", { body }))).id,
      );
    } else if (p.name === "subscriptionId") {
      const body = JSON.stringify(SEEDS.createNotificationChannelSubscription).replace(
        REGISTRATION_ID,
        registrationId,
      );
      id = String((await json(await gw.request("POST", "/webrtc-events/v0.2/subscriptions", { body }))).id);
    }
    path = path.replace(`{${p.name}}`, encodeURIComponent(id));
  }
  return { path, registrationId, deviceId };
}

/** A query every required query parameter accepts (a device id for getRegistrationsByDeviceId). */
function validQuery(op: OperationManifest): string {
  return op.parameters
    .filter((p) => p.in === "query" && p.required)
    .map((p) => `${p.name}=${randomUUID()}`)
    .join("&");
}

async function send(op: OperationManifest, c: Case): Promise<Response> {
  const { path, registrationId, deviceId } = await fixture(op);
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    if (p.in === "header" && p.name === "registrationId") headers[p.name] = registrationId;
  }
  if (c.omitHeader) delete headers[c.omitHeader];
  Object.assign(headers, c.headers);
  if (c.body !== undefined) headers["content-type"] = c.contentType ?? "application/json";
  let url = c.pathValue === undefined ? path : op.fullPath.replace(/\{[^}]+\}/g, c.pathValue);
  const query = c.query ?? validQuery(op);
  if (query) url = `${url}?${query}`;
  const body = c.body?.replaceAll(REGISTRATION_ID, registrationId).replaceAll(DEVICE_ID, deviceId);
  return gw.request(op.method.toUpperCase(), url, { headers, ...(body !== undefined ? { body } : {}) });
}

/** Status 4xx, a whole ErrorInfo with a code documented for the status, and an x-correlator. */
async function assertDocumentedError(op: OperationManifest, c: Case, res: Response): Promise<void> {
  const text = await res.text();
  const where = `${op.operationId}, case "${c.name}": answered ${res.status} ${text.slice(0, 300)}`;
  if (c.schemaValid && res.ok) return;
  assert.ok(res.status >= 400 && res.status < 500, `${where}: not a 4xx`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return assert.fail(`${where}: the body is not JSON`);
  }
  assert.deepEqual(Object.keys(body).sort(), ["code", "message", "status"], `${where}: not an ErrorInfo`);
  assert.equal(body.status, res.status, `${where}: ErrorInfo.status differs from the HTTP status`);
  const documented = documentedErrorCodes(
    specOf(op),
    op.responses[String(res.status)]?.content["application/json"],
  );
  const allowed = [...documented, ...(GENERIC_CODES[res.status] ?? [])];
  assert.ok(
    allowed.includes(String(body.code)),
    `${where}: code ${String(body.code)} is not documented for ${res.status} (allowed: ${allowed.join(", ") || "none"})`,
  );
  assert.ok(
    typeof body.message === "string" && /\S+\s+\S+/.test(body.message),
    `${where}: message is not a sentence`,
  );
  const correlator = res.headers.get("x-correlator");
  assert.ok(correlator && XCORRELATOR.test(correlator), `${where}: no valid x-correlator header`);
  const sent = c.headers?.["x-correlator"];
  if (sent !== undefined) assert.notEqual(correlator, sent, `${where}: an invalid x-correlator was echoed`);
}

/** Every operation the gateway serves, of every release. */
const operations = contract.releases.flatMap((r) => r.apis.flatMap((api) => api.operations));

describe("negative input generated from the effective specs", () => {
  before(async () => {
    gw = await startTestGateway();
  });
  after(async () => {
    await gw.close();
  });

  for (const op of operations) {
    describe(`${op.release} ${op.operationId} (${op.method.toUpperCase()} ${op.fullPath})`, () => {
      if (op.requestBody) {
        it("accepts the seed body the cases mutate (control)", async () => {
          const res = await send(op, { name: "control", body: JSON.stringify(seedOf(op)) });
          assert.ok(res.ok, `${op.operationId} control: ${res.status} ${await res.text()}`);
        });
      }
      for (const c of casesOf(op)) {
        const title = c.schemaValid
          ? `answers ${c.name}, which the schema allows, with 2xx or a documented 4xx ErrorInfo`
          : `refuses ${c.name} with a documented 4xx ErrorInfo`;
        it(title, async () => {
          await assertDocumentedError(op, c, await send(op, c));
        });
      }
    });
  }
});
