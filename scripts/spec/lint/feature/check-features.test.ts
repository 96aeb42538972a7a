import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lintFeatures } from "../../test/lint-fixture.ts";
import type { Finding } from "../finding.ts";

const show = (findings: Finding[]) =>
  findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.rule} ${f.message}`);

describe("feature cross-checks", () => {
  it("report nothing for features that agree with the spec and test every documented error", async () => {
    assert.deepEqual(show(await lintFeatures()), []);
  });

  it("report a feature file whose name matches no linted API", async () => {
    const findings = await lintFeatures({ createWidgetName: "gadgets-createWidget.feature" });
    assert.deepEqual(show(findings), [
      "demo-widgets.yaml:20 warn camara-feature-operation-coverage No feature file tests createWidget (POST /widgets)",
      "gadgets-createWidget.feature:1 warn camara-feature-api No linted spec matches this file name (APIs: demo-widgets); expected <api>-<operationId>.feature",
    ]);
  });

  it("report an operationId the spec does not define, naming the operation the resource designates", async () => {
    const findings = await lintFeatures({
      createWidget: (t) => t.replace("Operation createWidget", "Operation createGadget"),
    });
    assert.deepEqual(show(findings), [
      'demo-widgets-createWidget.feature:1 error camara-feature-operation-id The feature names operation "createGadget", which demo-widgets does not define; its resource and method designate createWidget (POST /widgets)',
    ]);
  });

  it("report an operationId that exists but is not the operation of the resource and method", async () => {
    const findings = await lintFeatures({
      createWidget: (t) => t.replace("Operation createWidget", "Operation getWidget"),
    });
    assert.deepEqual(
      show(findings).filter((l) => l.includes("operation-id")),
      [
        'demo-widgets-createWidget.feature:1 error camara-feature-operation-id The feature names operation "getWidget" but its resource and method designate createWidget (POST /widgets)',
      ],
    );
  });

  it("report a resource outside the server base path", async () => {
    const findings = await lintFeatures({
      createWidget: (t) => t.replace("/demo-widgets/v0.1/widgets", "/demo-widgets/v0.2/widgets"),
    });
    assert.deepEqual(show(findings), [
      'demo-widgets-createWidget.feature:5 error camara-feature-base-path The resource "/demo-widgets/v0.2/widgets" does not start with the server base path /demo-widgets/v0.1 of demo-widgets',
    ]);
  });

  it("report requests to paths or methods the spec does not define", async () => {
    const findings = await lintFeatures({
      createWidget: (t) =>
        t.replace('sends a POST request to "/widgets"', 'sends a POST request to "/gadgets"'),
      getWidget: (t) => t.replace("sends a GET request", "sends a PATCH request"),
    });
    assert.deepEqual(show(findings), [
      'demo-widgets-createWidget.feature:13 error camara-feature-path POST "/gadgets" is not a path of demo-widgets (paths: /widgets, /widgets/{widgetId})',
      'demo-widgets-getWidget.feature:11 error camara-feature-path demo-widgets has no PATCH operation on "/widgets/3fa85f64-5717-4562-b3fc-2c963f66afa6"',
    ]);
  });

  it("report a schema pointer that does not exist", async () => {
    const findings = await lintFeatures({
      createWidget: (t) => t.replace('/components/schemas/Widget"', '/components/schemas/Gadget"'),
    });
    assert.deepEqual(show(findings), [
      'demo-widgets-createWidget.feature:18 error camara-feature-schema-pointer The schema "/components/schemas/Gadget" does not exist in demo-widgets',
    ]);
  });

  it("report a status code the operation does not document", async () => {
    const findings = await lintFeatures({
      createWidget: (t) => t.replace("status code is 401", "status code is 409"),
    });
    assert.deepEqual(show(findings), [
      "demo-widgets-createWidget.feature:1 warn camara-feature-error-coverage No scenario covers the documented 401 response of createWidget (POST /widgets)",
      "demo-widgets-createWidget.feature:30 error camara-feature-status The scenario expects 409, which createWidget (POST /widgets) does not document (documented: 201, 400, 401)",
    ]);
  });

  it("report a documented error status no scenario covers", async () => {
    const findings = await lintFeatures({
      getWidget: (t) => t.replace("status code is 404", "status code is 400"),
    });
    assert.deepEqual(show(findings), [
      "demo-widgets-getWidget.feature:1 warn camara-feature-error-coverage No scenario covers the documented 404 response of getWidget (GET /widgets/{widgetId})",
    ]);
  });

  it("report an operation no feature tests, at the operation in the spec", async () => {
    // Line 81 of the spec as lint-fixture.ts re-serialises it: `get:` under /widgets/{widgetId}.
    const findings = await lintFeatures({ getWidget: null });
    assert.deepEqual(show(findings), [
      "demo-widgets.yaml:81 warn camara-feature-operation-coverage No feature file tests getWidget (GET /widgets/{widgetId})",
    ]);
  });

  it("report placeholders used as identifiers", async () => {
    const findings = await lintFeatures({
      getWidget: (t) => t.replaceAll("3fa85f64-5717-4562-b3fc-2c963f66afa6", "existing-widget-id"),
    });
    assert.deepEqual(
      show(findings).map((l) => l.split(" camara-")[0]),
      ["demo-widgets-getWidget.feature:10 warn", "demo-widgets-getWidget.feature:11 warn"],
    );
    assert.ok(findings.every((f) => f.rule === "camara-feature-placeholder"));
  });
});
