import { Given } from "@cucumber/cucumber";
import { toPointer } from "../schema/ajv-openapi.ts";
import { compliantSample } from "../schema/schema-samples.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { phrase } from "./step-phrase.ts";
import { parseJsonDocument, parseLiteral } from "./step-values.ts";

/** Request body setup (API-Testing-Guidelines §Request setup; syntax-errors-template.feature). */

Given(
  phrase("the request body is set by default to a request body compliant with the schema at {string}"),
  function (this: ConformanceWorld, pointer: string) {
    // "Properties not explicitly overwritten in the Scenarios can take any values compliant with
    // the schema": a deterministic sample, required properties only.
    const context = this.run.contract.schemaContext(this.api());
    this.draft.defaultBody = compliantSample(
      context,
      { $ref: toPointer(pointer) },
      this.random.fork("default-body"),
    );
  },
);

Given(phrase("the request body is set to a valid request body"), function (this: ConformanceWorld) {
  this.draft.body = { kind: "valid" };
});

Given(phrase("the request body is not included"), function (this: ConformanceWorld) {
  this.draft.body = { kind: "none" };
});

Given(
  phrase("the request body is [included but is] not compliant with the schema [at] {string}"),
  function (this: ConformanceWorld, pointer: string) {
    this.draft.body = { kind: "nonCompliant", pointer };
  },
);

Given(phrase("the request body is set to {value}"), function (this: ConformanceWorld, literal: string) {
  // `"{}"` in upstream features is the text of the body, sent as written.
  const value = parseLiteral(literal, (t) => this.interpolate(t));
  this.draft.body = typeof value === "string" ? { kind: "raw", text: value } : { kind: "json", value };
});

Given(phrase("the request body:"), function (this: ConformanceWorld, doc: string) {
  this.draft.body = { kind: "json", value: parseJsonDocument(doc, (t) => this.interpolate(t)) };
});

Given(
  phrase("the request body property {string} is set to {value}"),
  function (this: ConformanceWorld, path: string, literal: string) {
    this.draft.patches.push({ path, op: "set", value: parseLiteral(literal, (t) => this.interpolate(t)) });
  },
);

Given(
  phrase("the request body property {string} is not included"),
  function (this: ConformanceWorld, path: string) {
    this.draft.patches.push({ path, op: "remove" });
  },
);

Given(
  phrase("the request body property {string} is in the past"),
  function (this: ConformanceWorld, path: string) {
    this.draft.patches.push({ path, op: "set", value: new Date(Date.now() - 3_600_000).toISOString() });
  },
);

Given(
  phrase("the request body property {string} is set to {int} seconds from now"),
  function (this: ConformanceWorld, path: string, seconds: string) {
    this.draft.patches.push({
      path,
      op: "set",
      value: new Date(Date.now() + Number(seconds) * 1000).toISOString(),
    });
  },
);
