import { type DataTable, Given } from "@cucumber/cucumber";
import type { TokenProfile } from "../config/target-config.ts";
import { toPointer } from "../schema/ajv-openapi.ts";
import { compliantSample } from "../schema/schema-samples.ts";
import { resourceOfParam } from "../support/resources.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { phrase } from "./step-phrase.ts";
import { parseLiteral } from "./step-values.ts";

/**
 * Request setup (API-Testing-Guidelines §Background section, §Request setup): environment,
 * resource, headers, tokens, path and query parameters. Body steps are in body-steps.ts.
 */

Given(phrase("an environment at {string}"), function (this: ConformanceWorld, name: string) {
  const value = this.run.config.variables[name] ?? (/^https?:\/\//.test(name) ? name : undefined);
  if (value === undefined) throw new Error(`The target configuration has no variable "${name}".`);
  this.apiRoot = value.replace(/\/+$/, "");
});

Given(phrase("the resource {string}"), function (this: ConformanceWorld, path: string) {
  const resource = this.mapPath(this.interpolate(path));
  if (!this.run.contract.apiOfPath(resource)) {
    throw new Error(
      `${resource} is under no API base path of the ${this.run.contract.release} specs${/\/vwip\b/.test(resource) ? " (map it with --base-path vwip)" : ""}.`,
    );
  }
  this.resource = resource;
});

// Headers

Given(
  phrase("the header {string} is set to {string}"),
  function (this: ConformanceWorld, name: string, value: string) {
    this.draft.setHeader(name, this.interpolate(value));
    if (name.toLowerCase() === "authorization") this.authProfile = undefined;
  },
);

Given(phrase("the headers:"), function (this: ConformanceWorld, table: DataTable) {
  for (const [name, value] of rows(table)) this.draft.setHeader(name, this.interpolate(value));
});

Given(phrase("the header {string} is removed"), function (this: ConformanceWorld, name: string) {
  this.draft.removeHeader(name);
  if (name.toLowerCase() === "authorization") this.authProfile = undefined;
});

Given(phrase("the header {string} is set to a UUID value"), function (this: ConformanceWorld, name: string) {
  this.draft.setHeader(
    name,
    String(
      compliantSample(
        schemaContext(this),
        { type: "string", format: "uuid" },
        this.random.fork(`header-${name}`),
      ),
    ),
  );
});

Given(
  phrase("the header {string} complies with the schema at {string}"),
  function (this: ConformanceWorld, name: string, pointer: string) {
    const value = compliantSample(
      schemaContext(this),
      { $ref: toPointer(pointer) },
      this.random.fork(`header-${name}`),
    );
    this.draft.setHeader(name, String(value));
  },
);

const TOKEN = {
  "{token}": `(a valid access token(?:\\s+(?:without the required scopes?|of another subscriber|which does not identify a single (?:phone number|device)|identifying an? (?:device|phone number)))?|(?:an?\\s+)?expired (?:access )?token|an? invalid access token)`,
  // "header "Authorization" set to …" (event-subscription-template): "the" may be left out.
  "{the}": "(?:the\\s+)?",
};

/** The token profile a step's wording asks for. */
export function tokenProfile(wording: string): TokenProfile {
  const w = wording.toLowerCase();
  if (w.includes("expired")) return "expired";
  if (w.includes("invalid")) return "invalid";
  if (w.includes("without the required scope")) return "missingScope";
  if (w.includes("another subscriber")) return "otherSubscriber";
  // Commonalities C01/C02: a (2-legged) token that names no subscriber.
  if (w.includes("does not identify")) return "noSubscriber";
  return "valid";
}

Given(
  phrase("{the}header {string} is set {with} {token}", { ...TOKEN, "{with}": "(?:to|as|with)" }),
  // An expired-token profile may wait for its token to expire beyond the gateway's clock tolerance.
  { timeout: 3_600_000 },
  async function (this: ConformanceWorld, name: string, wording: string) {
    const profile = tokenProfile(wording);
    const token = await this.run.tokens.token(profile);
    this.draft.setHeader(name, `Bearer ${token}`);
    if (name.toLowerCase() === "authorization") this.authProfile = profile;
  },
);

Given(
  phrase("the header {string} is set to a valid access token for the phone number {string}"),
  async function (this: ConformanceWorld, name: string, phone: string) {
    const number = this.interpolate(phone);
    this.draft.setHeader(name, `Bearer ${await this.run.tokens.tokenForPhone(number)}`);
    if (name.toLowerCase() === "authorization") {
      const { phoneNumber, otherPhoneNumber } = this.run.config.assets;
      this.authProfile =
        number === phoneNumber ? "valid" : number === otherPhoneNumber ? "otherSubscriber" : undefined;
    }
  },
);

// Path and query parameters

Given(
  phrase("the path parameter {string} is set to {string}"),
  function (this: ConformanceWorld, name: string, value: string) {
    this.draft.pathParams.set(name, { kind: "value", value: this.interpolate(value) });
  },
);

Given(phrase("the path parameters:"), function (this: ConformanceWorld, table: DataTable) {
  for (const [name, value] of rows(table)) {
    this.draft.pathParams.set(name, { kind: "value", value: this.interpolate(value) });
  }
});

Given(
  phrase("the path parameter {string} is set by default to an existing {text}"),
  // The resource kind follows from the parameter; the wording ("register session") may not match it.
  function (this: ConformanceWorld, name: string, _what: string) {
    this.draft.pathParams.set(name, { kind: "existing", resource: resourceKind(name) });
  },
);

Given(phrase("the path parameter {string} is valid"), function (this: ConformanceWorld, name: string) {
  const current = this.draft.pathParams.get(name);
  if (current?.kind !== "value")
    this.draft.pathParams.set(name, { kind: "existing", resource: resourceKind(name) });
});

Given(phrase("the path parameter {string} is not included"), function (this: ConformanceWorld, name: string) {
  this.draft.pathParams.set(name, { kind: "omitted" });
});

Given(
  phrase(
    "the path parameter {string} is compliant with the parameter schema but does not identify a valid {text}",
  ),
  function (this: ConformanceWorld, name: string, _what: string) {
    const parameter = this.run.contract.apis
      .flatMap((a) => a.operations.flatMap((o) => o.parameters))
      .find((p) => p.in === "path" && p.name === name);
    if (!parameter) throw new Error(`No operation of the specs has a path parameter "${name}".`);
    // Drawn from the seed, so that it is new to the target but the same on every run.
    const value = compliantSample(schemaContext(this), parameter.schema, this.random.fork(`unknown-${name}`));
    this.draft.pathParams.set(name, { kind: "value", value: String(value) });
  },
);

Given(
  phrase("the path parameter {string} is set to the value for that {text}"),
  function (this: ConformanceWorld, name: string, what: string) {
    const resource = this.lastCreated;
    if (!resource) throw new Error(`No ${what} was created earlier in this scenario.`);
    this.draft.pathParams.set(name, { kind: "value", value: resource.id });
  },
);

Given(
  phrase("the query parameter {string} is set to {string}"),
  function (this: ConformanceWorld, name: string, value: string) {
    this.draft.queryParams.set(name, this.interpolate(value));
  },
);

Given(phrase("the query parameters:"), function (this: ConformanceWorld, table: DataTable) {
  for (const [name, value] of rows(table)) this.draft.queryParams.set(name, this.interpolate(value));
});

Given(
  phrase("the value {value} is saved as {string}"),
  function (this: ConformanceWorld, literal: string, name: string) {
    this.saved.set(name, String(parseLiteral(literal, (t) => this.interpolate(t))));
  },
);

function schemaContext(world: ConformanceWorld) {
  return world.run.contract.schemaContext(world.api());
}

function resourceKind(param: string) {
  const kind = resourceOfParam(param);
  if (!kind) throw new Error(`"${param}" identifies no resource the suite knows how to create.`);
  return kind;
}

/** Rows of a two-column table, without the header row the guidelines show (`param_name | param_value`). */
function rows(table: DataTable): [string, string][] {
  return table
    .raw()
    .filter((row) => !/^-+$/.test(row[0] ?? "") && !/^param_name$/i.test(row[0] ?? ""))
    .map((row) => [row[0] ?? "", row[1] ?? ""]);
}
