import { Given } from "@cucumber/cucumber";
import { toPointer } from "../schema/ajv-openapi.ts";
import { nonCompliantSample } from "../schema/schema-samples.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { assumption, kindOfParam, otherValue, set, THE, validValue } from "./commonalities-kit.ts";
import { phrase } from "./step-phrase.ts";
import { parseLiteral } from "./step-values.ts";

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
