import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { featureClaims } from "./feature-claims.ts";
import { parseFeature } from "./parse-feature.ts";

const FEATURE = `@tag_on_feature
Feature: CAMARA Demo, v0.1.0 - Operation createWidget

  Background: Common setup
    Given the resource "/demo/v0.1/widgets"                                                              |
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"

  @demo_createWidget_01
  Scenario: Create
    Given an existing widget with "widgetId" as "existing-widget-id"
    When the client sends a POST request to "/widgets" with the following payload:
      """
      { "ignored": "When the client sends a DELETE request to \\"/doc-string\\"" }
      """
    Then the response status code should be 201 or 202
    And the response body complies with the OAS schema at "/components/schemas/Widget"

  Scenario: Error
    When the HTTP "POST" request is sent
    Then the response status code is 400
`;

describe("parseFeature and featureClaims", () => {
  const feature = parseFeature(FEATURE);

  it("reads the title, background, scenarios and their tags, skipping doc strings", () => {
    assert.equal(feature.title, "CAMARA Demo, v0.1.0 - Operation createWidget");
    assert.equal(feature.line, 2);
    assert.equal(feature.background.length, 2);
    assert.deepEqual(
      feature.scenarios.map((s) => [s.name, s.line, s.tags, s.steps.length]),
      [
        ["Create", 9, ["@demo_createWidget_01"], 4],
        ["Error", 18, [], 2],
      ],
    );
  });

  it("reads what the steps claim about the spec, with their lines", () => {
    const claims = featureClaims(feature);
    assert.deepEqual(claims.operationId, { value: "createWidget", line: 2 });
    assert.deepEqual(claims.resources, [{ value: "/demo/v0.1/widgets", line: 5 }]);
    assert.deepEqual(claims.requests, [{ value: { method: "post", path: "/widgets" }, line: 11 }]);
    assert.deepEqual(
      claims.methods.map((m) => m.value),
      ["post", "post"],
    );
    assert.deepEqual(claims.schemaPointers, [
      { value: "#/components/schemas/XCorrelator", line: 6 },
      { value: "/components/schemas/Widget", line: 16 },
    ]);
    assert.deepEqual(claims.statuses, [
      { value: 201, line: 15 },
      { value: 202, line: 15 },
      { value: 400, line: 20 },
    ]);
    assert.deepEqual(
      claims.identifiers.map((i) => i.value),
      ["existing-widget-id", "widgets"],
    );
  });
});
