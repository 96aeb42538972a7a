import { Then } from "@cucumber/cucumber";
import { toPointer } from "../schema/ajv-openapi.ts";
import { mediaType } from "../support/http-exchange.ts";
import { query } from "../support/json-path.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check, checkEqual } from "./check.ts";
import { describeProblems, responseSchema } from "./schema-assertions.ts";
import { phrase, splitStatuses, splitValues } from "./step-phrase.ts";
import { jsonEqual, parseLiteral } from "./step-values.ts";

/** Response validation (API-Testing-Guidelines §Response validation). */

Then(phrase("the response status code is {statuses}"), function (this: ConformanceWorld, statuses: string) {
  const { response } = this.sent();
  const expected = splitStatuses(statuses);
  check(
    expected.includes(response.status),
    `expected status ${expected.join(" or ")}, got ${response.status}: ${response.text.slice(0, 500)}`,
  );
});

Then(
  phrase("the response header {string} has same value as the request header {string}"),
  function (this: ConformanceWorld, responseHeader: string, requestHeader: string) {
    const { request, response } = this.sent();
    const sent = Object.entries(request.headers).find(
      ([k]) => k.toLowerCase() === requestHeader.toLowerCase(),
    )?.[1];
    check(sent !== undefined, `the request had no ${requestHeader} header`);
    checkEqual(response.headers[responseHeader.toLowerCase()], sent, `response header ${responseHeader}`);
  },
);

Then(
  phrase("the response header {string} is {string}"),
  function (this: ConformanceWorld, name: string, expected: string) {
    const actual = this.sent().response.headers[name.toLowerCase()];
    check(actual !== undefined, `the response has no ${name} header`);
    const want = this.interpolate(expected);
    // `application/json` is satisfied by `application/json; charset=utf-8` (RFC 9110 §8.3.1).
    if (name.toLowerCase() === "content-type" && !want.includes(";")) {
      checkEqual(mediaType(actual), want.toLowerCase(), `response header ${name}`);
    } else {
      checkEqual(actual, want, `response header ${name}`);
    }
  },
);

Then(phrase("the response header {string} exists"), function (this: ConformanceWorld, name: string) {
  check(this.sent().response.headers[name.toLowerCase()] !== undefined, `the response has no ${name} header`);
});

Then(
  phrase("the response property {string}{ifpresent} is {values}", {
    "{ifpresent}": "((?:,\\s*if\\s+present,)?)",
  }),
  function (this: ConformanceWorld, path: string, ifPresent: string, values: string) {
    const expected = splitValues(values).map((v) => parseLiteral(v, (t) => this.interpolate(t)));
    const found = query(json(this), this.interpolate(path));
    if (found.length === 0 && ifPresent) return;
    check(
      found.length > 0,
      `the response has no property ${path}: ${this.sent().response.text.slice(0, 500)}`,
    );
    check(
      expected.some((e) => jsonEqual(found[0], e)),
      `${path} is ${JSON.stringify(found[0])}, expected ${expected.map((e) => JSON.stringify(e)).join(" or ")}`,
    );
  },
);

Then(
  phrase("the response property {string} contains a user friendly text"),
  function (this: ConformanceWorld, path: string) {
    const [value] = query(json(this), this.interpolate(path));
    check(typeof value === "string", `${path} must be a text, got ${JSON.stringify(value)}`);
    const text = (value as string).trim();
    // "Free for the implementation to decide", yet meant for a person: words, not a code or a trace.
    check(
      /[A-Za-z]{2,}/.test(text) && /\s/.test(text),
      `${path} is not a readable sentence: ${JSON.stringify(text)}`,
    );
    check(!/\n\s+at\s/.test(text), `${path} carries a stack trace`);
  },
);

Then(phrase("the response property {string} exists"), function (this: ConformanceWorld, path: string) {
  check(query(json(this), this.interpolate(path)).length > 0, `the response has no property ${path}`);
});

Then(
  phrase("the response property {string} does not exist"),
  function (this: ConformanceWorld, path: string) {
    const found = query(json(this), this.interpolate(path));
    check(found.length === 0, `${this.interpolate(path)} exists: ${JSON.stringify(found[0])}`);
  },
);

Then(
  phrase("the response property {string} is saved as {string}"),
  function (this: ConformanceWorld, path: string, name: string) {
    const [value] = query(json(this), this.interpolate(path));
    check(value !== undefined, `the response has no property ${path}`);
    this.saved.set(name, typeof value === "string" ? value : JSON.stringify(value));
  },
);

Then(phrase("the response body should contain a {string}"), function (this: ConformanceWorld, name: string) {
  const body = json(this);
  check(
    typeof body === "object" && body !== null && name in body,
    `the response body has no "${name}": ${this.sent().response.text.slice(0, 500)}`,
  );
});

Then(
  phrase("the response body complies with the OAS schema at {string}"),
  function (this: ConformanceWorld, pointer: string) {
    const { validator } = this.run.contract;
    const problems = validator.validateAt(this.api(), toPointer(pointer), json(this));
    check(problems.length === 0, `the response body ${describeProblems(pointer, problems)}`);
  },
);

Then(
  phrase("the response body complies with the OAS schema for this operation and status code"),
  function (this: ConformanceWorld) {
    const { schema, where } = responseSchema(this);
    if (schema === undefined) {
      check(this.sent().response.text === "", `${where} documents no body, but the response has one`);
      return;
    }
    const problems = this.run.contract.validator.validate(this.api(), schema, json(this));
    check(problems.length === 0, `the response body ${describeProblems(where, problems)}`);
  },
);

Then(
  phrase("each item of the response array, if any, complies with the OAS schema at {string}"),
  function (this: ConformanceWorld, pointer: string) {
    const body = json(this);
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

Then(phrase("the response body is an empty array"), function (this: ConformanceWorld) {
  checkEqual(json(this), [], "the response body");
});

Then(phrase("the response body is empty"), function (this: ConformanceWorld) {
  checkEqual(this.sent().response.text, "", "the response body");
});

function json(world: ConformanceWorld): unknown {
  const { response } = world.sent();
  check(response.isJson, `the response body is not JSON: ${JSON.stringify(response.text.slice(0, 300))}`);
  return response.json;
}
