import { Given, Then } from "@cucumber/cucumber";
import type { OperationManifest } from "../../generated/r2.2/index.ts";
import { toPointer } from "../schema/ajv-openapi.ts";
import { compliantSample, nonCompliantSample } from "../schema/schema-samples.ts";
import { query } from "../support/json-path.ts";
import { RESOURCES, resourceOfParam } from "../support/resources.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check, checkEqual } from "./check.ts";
import { describeProblems } from "./schema-assertions.ts";
import { phrase } from "./step-phrase.ts";
import { parseLiteral } from "./step-values.ts";

/**
 * The rest of the Commonalities testing vocabulary (API-Testing-Guidelines r4.2 and the templates
 * beside it): wordings the guidelines give as examples and the event-subscription, device and
 * phone-number templates use. docs/step-coverage.md lists every phrase with its definition.
 */

const THE = { "{the}": "(?:the\\s+)?" };

/** The operation of the Background resource that takes a request body (the one a scenario builds). */
function bodyOperation(world: ConformanceWorld): OperationManifest {
  const path = world.resource;
  check(path, 'No resource: the Background must say `the resource "<path>"`.');
  const op = world.run.contract.operationsAt(path).find((o) => o.requestBody);
  check(op, `No operation at ${path} takes a request body.`);
  return op;
}

/** A schema-valid request body of that operation, drawn from the scenario's seed. */
function sampleBody(world: ConformanceWorld, fork: string): unknown {
  const op = bodyOperation(world);
  const schema = op.requestBody?.content["application/json"];
  check(schema, `${op.operationId} has no JSON request body.`);
  return compliantSample(world.run.contract.schemaContext(world.api()), schema, world.random.fork(fork));
}

/** A value the property may take per the schema (from a sampled valid body). */
function validValue(world: ConformanceWorld, path: string, fork: string): unknown {
  const [value] = query(sampleBody(world, fork), path);
  check(value !== undefined, `A valid request body has no property ${path} to sample.`);
  return value;
}

function set(world: ConformanceWorld, path: string, value: unknown): void {
  world.draft.patches.push({ path, op: "set", value });
}

/** The resource kind a path parameter names; `id` (the guidelines' example) is the Background's. */
function kindOfParam(world: ConformanceWorld, name: string) {
  const kind =
    resourceOfParam(name) ??
    resourceOfParam(/\{([^}]+)\}[^{]*$/.exec(world.resource ?? "")?.[1] ?? "") ??
    undefined;
  check(kind, `"${name}" identifies no resource the suite knows how to create.`);
  return kind;
}

/**
 * A statement about the implementation the scenario assumes ("that subscriptions are created
 * synchronously"). The suite cannot know it: the step is pending, so the scenario is reported as
 * not run, until the feature is adapted to the API (as the templates ask).
 */
function assumption(this: ConformanceWorld, statement: string): string {
  void this.attach(`Assumed by the template, to be adapted to the API: ${statement}`);
  return "pending";
}

Given(phrase("that {text}"), assumption);
Given(phrase("the API supports {text}"), assumption);
Given(phrase("the API provider {text}"), assumption);
Given(phrase("the Private JWT key mechanism {text}"), assumption);

// Request setup (API-Testing-Guidelines §Request setup)

Given(
  phrase("{the}path parameter {string} is that of an existing {text}", THE),
  function (this: ConformanceWorld, name: string, _what: string) {
    this.draft.pathParams.set(name, { kind: "existing", resource: kindOfParam(this, name) });
  },
);

Given(
  phrase("{the}path parameter {string} is set to the identifier of an existing {text}", THE),
  function (this: ConformanceWorld, name: string, _what: string) {
    this.draft.pathParams.set(name, { kind: "existing", resource: kindOfParam(this, name) });
  },
);

Given(
  phrase("the path parameter {string} is set to a value not corresponding to any existing {text}"),
  function (this: ConformanceWorld, name: string, _what: string) {
    // A well-formed id the target never issued: seeded, so the same on every run.
    const hex = Array.from({ length: 24 }, () => this.random.fork(`unknown-${name}`).int(0, 15).toString(16));
    this.draft.pathParams.set(name, {
      kind: "value",
      value: `00000000-${hex.join("").slice(0, 4)}-4000-8000-${hex.join("").slice(4, 16)}`,
    });
  },
);

Given(phrase("the query parameter {string} is in the past"), function (this: ConformanceWorld, name: string) {
  this.draft.queryParams.set(name, new Date(Date.now() - 3_600_000).toISOString());
});

Given(
  // "request body property "$.config.subscriptionExpireTime" in the past" (no "is"; the form with
  // "is" is defined in body-steps.ts).
  phrase("{the}request body property {string} in the past", THE),
  function (this: ConformanceWorld, path: string) {
    set(this, path, new Date(Date.now() - 3_600_000).toISOString());
  },
);

Given(
  phrase("the request body property {string} is [set to] a valid {text}"),
  function (this: ConformanceWorld, path: string, _what: string) {
    set(this, path, validValue(this, path, `valid-${path}`));
  },
);

Given(
  phrase("the request body property {string} is valued with a valid value"),
  function (this: ConformanceWorld, path: string) {
    set(this, path, validValue(this, path, `valid-${path}`));
  },
);

Given(
  phrase("the request body property {string} is set to: {value}"),
  function (this: ConformanceWorld, path: string, literal: string) {
    set(
      this,
      path,
      parseLiteral(literal, (t) => this.interpolate(t)),
    );
  },
);

Given(
  phrase("the request body property {string} does not comply with the OAS schema at {string}"),
  function (this: ConformanceWorld, path: string, pointer: string) {
    const context = this.run.contract.schemaContext(this.api());
    const ref = `#${toPointer(pointer).replace(/^#/, "")}`;
    set(this, path, nonCompliantSample(context, { $ref: ref }, this.random.fork(`non-compliant-${path}`)));
  },
);

Given(
  phrase(
    "the request body property {string} is compliant with the schema but does not identify a valid {text}",
  ),
  function (this: ConformanceWorld, path: string, _what: string) {
    // Drawn from the schema with the scenario's seed: well-formed, unknown to the target.
    set(this, path, validValue(this, path, `unknown-${path}`));
  },
);

Given(
  phrase(
    "the request body property {string} only includes device identifiers not supported by the implementation",
  ),
  function (this: ConformanceWorld, path: string) {
    set(this, path, JSON.parse(this.asset("unsupportedDevice")) as unknown);
  },
);

Given(
  phrase(
    "a valid {text}, identified by the token or provided in the request body, for which the service is not applicable",
  ),
  function (this: ConformanceWorld, what: string) {
    const asset = /phone/i.test(what) ? "phoneNumberNotApplicable" : "deviceNotApplicable";
    this.saved.set(asset, this.asset(asset));
  },
);

Given(
  phrase("the request body property {string} is not set to {string}[ and is not set to {string}]"),
  function (this: ConformanceWorld, path: string, not: string, alsoNot?: string) {
    set(this, path, otherValue(this, path, [not, ...(alsoNot ? [alsoNot] : [])]));
  },
);

Given(
  phrase("the request body property {string} is set to a value other than {string}"),
  function (this: ConformanceWorld, path: string, not: string) {
    set(this, path, otherValue(this, path, [not]));
  },
);

Given(
  phrase("the request body property {string} is set to invalid value"),
  function (this: ConformanceWorld, path: string) {
    const valid = validValue(this, path, `valid-${path}`);
    set(
      this,
      path,
      Array.isArray(valid) ? ["invalid-value"] : typeof valid === "string" ? 12345 : "invalid-value",
    );
  },
);

Given(
  phrase("the request body property {string} is set to an array with {int} valid items"),
  function (this: ConformanceWorld, path: string, count: string) {
    const items = new Set<unknown>();
    for (let i = 0; items.size < Number(count) && i < 50; i++) {
      const sample = validValue(this, path, `items-${path}-${i}`);
      for (const item of Array.isArray(sample) ? sample : [sample]) items.add(JSON.stringify(item));
    }
    set(
      this,
      path,
      [...items].slice(0, Number(count)).map((i) => JSON.parse(String(i)) as unknown),
    );
  },
);

/** A value of the property's enum (or a variant of the text) that is none of `not`. */
function otherValue(world: ConformanceWorld, path: string, not: readonly string[]): unknown {
  for (let i = 0; i < 30; i++) {
    const value = validValue(world, path, `other-${path}-${i}`);
    if (typeof value === "string" && !not.includes(value)) return value;
  }
  return `${not[0] ?? "value"}-other`;
}

// Headers

Given(
  phrase("{the}request does not include the {string} header", THE),
  function (this: ConformanceWorld, name: string) {
    this.draft.removeHeader(name);
    if (name.toLowerCase() === "authorization") this.authProfile = undefined;
  },
);

Given(phrase("{the}header {string} is not present", THE), function (this: ConformanceWorld, name: string) {
  this.draft.removeHeader(name);
  if (name.toLowerCase() === "authorization") this.authProfile = undefined;
});

Given(
  phrase("{the}header {string} is set without a token", THE),
  function (this: ConformanceWorld, name: string) {
    this.draft.setHeader(name, "Bearer");
    this.authProfile = undefined;
  },
);

// Preconditions (event-subscription template)

Given(phrase("an existing item"), async function (this: ConformanceWorld) {
  await this.createResource(kindOfParam(this, "id"));
});

Given(
  phrase("{the}resource {string} as {word} base-url", THE),
  function (this: ConformanceWorld, path: string, _api: string) {
    this.resource = this.mapPath(this.interpolate(path.replace(/^\{apiroot\}/i, "")));
  },
);

/** The subscription body the suite's preconditions use: this scenario's sink, its registration. */
async function subscriptionBody(world: ConformanceWorld): Promise<Record<string, unknown>> {
  const registration =
    world.created.find((r) => r.kind === "registration" && r.profile === "valid") ??
    (await world.createResource("registration"));
  return {
    protocol: "HTTP",
    sink: world.sinkUrl,
    types: ["org.camaraproject.webrtc-events.v0.session-invitation"],
    config: { subscriptionDetail: { registrationId: registration.id } },
  };
}

Given(
  phrase("a valid{api} subscription request body", { "{api}": "(?:\\s+\\S+)?" }),
  async function (this: ConformanceWorld) {
    this.draft.body = { kind: "json", value: await subscriptionBody(this) };
  },
);

Given(
  phrase("a valid subscription request body with {the}property {string} set to {value}", THE),
  async function (this: ConformanceWorld, path: string, literal: string) {
    this.draft.body = { kind: "json", value: await subscriptionBody(this) };
    set(
      this,
      path,
      parseLiteral(literal, (t) => this.interpolate(t)),
    );
  },
);

Given(
  phrase("a valid {word} subscription request body and header {string} is expired"),
  async function (this: ConformanceWorld, _api: string, name: string) {
    this.draft.body = { kind: "json", value: await subscriptionBody(this) };
    this.draft.setHeader(name, `Bearer ${await this.run.tokens.token("expired")}`);
    this.authProfile = "expired";
  },
);

Given(
  phrase("a client without {word} subscriptions created"),
  async function (this: ConformanceWorld, _api: string) {
    const list = await this.run.client.call({ operationId: "retrieveNotificationChannelSubscriptionList" });
    for (const s of Array.isArray(list.response.json) ? (list.response.json as { id?: string }[]) : []) {
      if (s.id)
        await this.run.client.call({
          operationId: RESOURCES.subscription.remove,
          pathParams: { subscriptionId: s.id },
        });
    }
  },
);

Given(phrase("a client with {word} subscriptions created"), async function (this: ConformanceWorld) {
  await this.createResource("subscription");
});

Given(
  phrase('an existing {word} subscription with some value for the property "expiresAt" in the near future'),
  async function (this: ConformanceWorld, _api: string) {
    const body = await subscriptionBody(this);
    body.config = {
      ...(body.config as object),
      subscriptionExpireTime: new Date(Date.now() + 5000).toISOString(),
    };
    await this.createResource("subscription", "valid", { body });
  },
);

Given(
  phrase("an existing {word} subscription with the property {string} set to {value}"),
  async function (this: ConformanceWorld, _api: string, property: string, literal: string) {
    const body = await subscriptionBody(this);
    const [first, second] = property.replace(/^\$\./, "").split(".");
    const value = parseLiteral(literal, (t) => this.interpolate(t));
    if (first && second) body[first] = { ...(body[first] as object), [second]: value };
    else if (first) body[first] = value;
    await this.createResource("subscription", "valid", { body });
  },
);

Given(phrase("the subscription is expired"), { timeout: 120_000 }, async function (this: ConformanceWorld) {
  const body = this.lastCreated?.body as { expiresAt?: string } | undefined;
  const at = Date.parse(body?.expiresAt ?? "");
  check(!Number.isNaN(at), "The subscription has no expiresAt to wait for.");
  check(at - Date.now() < 110_000, `The subscription expires at ${body?.expiresAt}: too far to wait.`);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now()) + 500));
});

Given(phrase("the event subscribed occurs"), function (this: ConformanceWorld) {
  // webrtc-events: the subscribed events come from the network (a call, a registration ending).
  check(
    this.run.config.supports.sip === true && this.run.config.testNetwork.placeIncomingCall,
    "An event of the subscribed type needs a SIP test network (supports.sip, testNetwork.placeIncomingCall).",
  );
  return "pending";
});

// Notifications

Then(
  phrase("an event notification of the subscribed type is received on callback-url"),
  async function (this: ConformanceWorld) {
    const receiver = this.run.sink?.receiver;
    check(
      receiver,
      "no notification sink runs: the target configuration needs `sink:` and `supports.events: true`",
    );
    const path = new URL(this.sinkUrl).pathname;
    this.notification = await receiver.waitFor(
      (r) => r.path === path && !this.notificationsTaken.has(r),
      this.run.config.timeouts.notificationMs,
    );
    this.notificationsTaken.add(this.notification);
  },
);

Then(phrase("type={string}"), function (this: ConformanceWorld, type: string) {
  check(this.notification, "No notification has been received in this scenario.");
  const wanted = type
    .replace(/<[^>]+>/g, "[^.]+")
    .replace(/\./g, "\\.")
    .replace(/\\\.\[\^\\\.\]\+/g, ".[^.]+");
  check(
    new RegExp(`^${wanted}$`).test(String(this.notification.event?.type)),
    `the notification's type is ${String(this.notification.event?.type)}, expected ${type}`,
  );
});

// Response validation (API-Testing-Guidelines §Response validation)

function responseJson(world: ConformanceWorld): unknown {
  return world.sent().response.json;
}

Then(
  phrase("the response property {string} only exists if property {string} exists"),
  function (this: ConformanceWorld, path: string, condition: string) {
    const body = responseJson(this);
    if (query(body, path).length > 0)
      check(query(body, condition).length > 0, `the response has ${path} but not ${condition}`);
  },
);

Then(
  phrase("the response property {string} only exists if property {string} is {value}"),
  function (this: ConformanceWorld, path: string, condition: string, literal: string) {
    const body = responseJson(this);
    if (query(body, path).length === 0) return;
    const expected = parseLiteral(literal, (t) => this.interpolate(t));
    const [actual] = query(body, condition);
    checkEqual(actual, expected, `${condition} (as ${path} exists)`);
  },
);

Then(
  phrase("the response body has an array of items and each item complies with the OAS schema at {string}"),
  function (this: ConformanceWorld, pointer: string) {
    const body = responseJson(this);
    check(
      Array.isArray(body),
      `the response body is not an array: ${this.sent().response.text.slice(0, 300)}`,
    );
    body.forEach((item, i) => {
      const problems = this.run.contract.validator.validateAt(this.api(), toPointer(pointer), item);
      check(problems.length === 0, `item ${i} of the response ${describeProblems(pointer, problems)}`);
    });
  },
);

Then(
  phrase('if the response property "$.status" is {int} then the response body is not available'),
  function (this: ConformanceWorld, status: string) {
    const { response } = this.sent();
    if (response.status === Number(status))
      checkEqual(response.text, "", `the body of the ${status} response`);
  },
);

Then(
  phrase(
    'if the response property "$.status" is {int} then the response body complies with the OAS schema at {string}',
  ),
  function (this: ConformanceWorld, status: string, pointer: string) {
    const { response } = this.sent();
    if (response.status !== Number(status)) return;
    const problems = this.run.contract.validator.validateAt(this.api(), toPointer(pointer), response.json);
    check(problems.length === 0, `the ${status} response body ${describeProblems(pointer, problems)}`);
  },
);

/** The device object of the request body at `path`, and of the response. */
function devices(world: ConformanceWorld, path: string) {
  const { request, response } = world.sent();
  const sent = request.body ? query(JSON.parse(request.body) as unknown, path)[0] : undefined;
  const answered = query(response.json, path)[0];
  return {
    sent: sent as Record<string, unknown> | undefined,
    answered: answered as Record<string, unknown> | undefined,
  };
}

function singleIdentifierOfRequest(
  path: string,
  sent: Record<string, unknown> | undefined,
  answered: unknown,
) {
  check(answered && typeof answered === "object", `the response has no ${path}`);
  const entries = Object.entries(answered as Record<string, unknown>);
  check(entries.length === 1, `${path} of the response has ${entries.length} identifiers, expected 1`);
  const [key, value] = entries[0] as [string, unknown];
  check(
    sent !== undefined && JSON.stringify(sent[key]) === JSON.stringify(value),
    `${path}.${key} of the response was not in the request`,
  );
}

Then(
  phrase(
    "the response property {string} exists only if provided in the request body and always if more than one device identifier is provided, And contains a single device identifier that was included in the request",
  ),
  function (this: ConformanceWorld, path: string) {
    const { sent, answered } = devices(this, path);
    if (sent === undefined) {
      check(answered === undefined, `the response has ${path}, which the request did not provide`);
      return;
    }
    if (Object.keys(sent).length > 1) check(answered !== undefined, `the response lacks ${path}`);
    if (answered !== undefined) singleIdentifierOfRequest(path, sent, answered);
  },
);

Then(
  phrase(
    "the response property {string} contains a single device identifier that was included in the request",
  ),
  function (this: ConformanceWorld, path: string) {
    const { sent, answered } = devices(this, path);
    singleIdentifierOfRequest(path, sent, answered);
  },
);
