import { Then } from "@cucumber/cucumber";
import { toPointer } from "../schema/ajv-openapi.ts";
import { query } from "../support/json-path.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check, checkEqual } from "./check.ts";
import { devices, responseJson, singleIdentifierOfRequest } from "./commonalities-kit.ts";
import { describeProblems } from "./schema-assertions.ts";
import { phrase } from "./step-phrase.ts";
import { parseLiteral } from "./step-values.ts";

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
