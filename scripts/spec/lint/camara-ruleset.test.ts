import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Doc, lintSpec, rulesOf } from "../test/lint-fixture.ts";

const getWidget = (d: Doc) => d.paths["/widgets/{widgetId}"].get;
const createWidget = (d: Doc) => d.paths["/widgets"].post;
const schemas = (d: Doc) => d.components.schemas;
const stringProp = { description: "A text", type: "string", maxLength: 10, pattern: "^[a-z]+$" };

/** Rule → a change to the demo-widgets spec that breaks exactly that rule (and `also`, if listed). */
const cases: [string, { mutate: (d: Doc) => void; also?: string[] }][] = [
  // §1 Spectral core rules CAMARA uses.
  ["duplicated-entry-in-enum", { mutate: (d) => schemas(d).Shape.enum.push("ROUND") }],
  ["info-description", { mutate: (d) => delete d.info.description }],
  ["info-license", { mutate: (d) => delete d.info.license, also: ["license-url"] }],
  ["license-url", { mutate: (d) => delete d.info.license.url }],
  [
    "no-$ref-siblings",
    { mutate: (d) => Object.assign(schemas(d).Widget.properties.shape, { description: "The shape" }) },
  ],
  ["operation-operationId", { mutate: (d) => delete getWidget(d).operationId }],
  ["operation-success-response", { mutate: (d) => delete getWidget(d).responses["200"] }],
  ["operation-tags", { mutate: (d) => delete getWidget(d).tags }],
  ["operation-tag-defined", { mutate: (d) => (getWidget(d).tags = ["Gadgets"]) }],
  [
    "path-keys-no-trailing-slash",
    {
      mutate: (d) => {
        d.paths["/widgets/"] = d.paths["/widgets"];
        delete d.paths["/widgets"];
      },
      also: ["camara-parameter-casing-convention"],
    },
  ],
  [
    "path-params",
    {
      mutate: (d) => {
        d.paths["/widgets/{wid}"] = d.paths["/widgets/{widgetId}"];
        delete d.paths["/widgets/{widgetId}"];
      },
    },
  ],
  ["typed-enum", { mutate: (d) => schemas(d).Shape.enum.push(7) }],
  ["oas3-api-servers", { mutate: (d) => delete d.servers }],
  ["oas3-schema", { mutate: (d) => (getWidget(d).responses["200"].description = 5) }],
  ["oas3-server-trailing-slash", { mutate: (d) => (d.servers[0].url = "{apiRoot}/demo-widgets/v0.1/") }],
  // §2, §3 camara-* rules.
  ["camara-language-avoid-telco", { mutate: (d) => (d.info.description = "Widgets for the UE.") }],
  ["camara-oas-version", { mutate: (d) => (d.openapi = "3.0.1") }],
  ["camara-info-title", { mutate: (d) => (d.info.title = "Demo Widgets API") }],
  ["camara-info-version-format", { mutate: (d) => (d.info.version = "v1") }],
  [
    "camara-path-param-id",
    {
      mutate: (d) => {
        d.paths["/widgets/{id}"] = d.paths["/widgets/{widgetId}"];
        delete d.paths["/widgets/{widgetId}"];
        d.paths["/widgets/{id}"].get.parameters[1].name = "id";
      },
    },
  ],
  [
    "camara-path-param-id-morphology",
    {
      mutate: (d) => {
        d.paths["/widgets/{widget_id}"] = d.paths["/widgets/{widgetId}"];
        delete d.paths["/widgets/{widgetId}"];
        d.paths["/widgets/{widget_id}"].get.parameters[1].name = "widget_id";
      },
    },
  ],
  [
    "camara-security-no-secrets-in-path-or-query-parameters",
    {
      mutate: (d) =>
        getWidget(d).parameters.push({
          name: "msisdn",
          in: "query",
          description: "A number",
          schema: stringProp,
        }),
    },
  ],
  [
    "camara-http-methods",
    { mutate: (d) => (d.paths["/widgets/{widgetId}"].head = { ...getWidget(d), operationId: "headWidget" }) },
  ],
  ["camara-get-no-request-body", { mutate: (d) => (getWidget(d).requestBody = createWidget(d).requestBody) }],
  ["camara-reserved-words", { mutate: (d) => (schemas(d).Widget.properties.import = { ...stringProp }) }],
  [
    "camara-resource-reserved-words",
    {
      mutate: (d) => {
        d.paths["/get-widgets"] = d.paths["/widgets"];
        delete d.paths["/widgets"];
      },
    },
  ],
  ["camara-routes-description", { mutate: (d) => delete getWidget(d).description }],
  ["camara-parameters-descriptions", { mutate: (d) => delete getWidget(d).parameters[1].description }],
  ["camara-response-descriptions", { mutate: (d) => (getWidget(d).responses["200"].description = "") }],
  [
    "camara-properties-descriptions",
    { mutate: (d) => delete schemas(d).WidgetRequest.properties.sink.description },
  ],
  ["camara-operation-summary", { mutate: (d) => delete getWidget(d).summary }],
  ["camara-operationid-casing-convention", { mutate: (d) => (getWidget(d).operationId = "GetWidget") }],
  [
    "camara-schema-casing-convention",
    {
      mutate: (d) => {
        schemas(d).widgetEvent = schemas(d).WidgetEvent;
        delete schemas(d).WidgetEvent;
        createWidget(d).callbacks.widgetEvents["{$request.body#/sink}"].post.requestBody.content[
          "application/json"
        ].schema.$ref = "#/components/schemas/widgetEvent";
      },
    },
  ],
  [
    "camara-parameter-casing-convention",
    {
      mutate: (d) => {
        d.paths["/Widgets"] = d.paths["/widgets"];
        delete d.paths["/widgets"];
      },
    },
  ],
  [
    "camara-property-casing-convention",
    { mutate: (d) => (schemas(d).Widget.properties.widget_name = { ...stringProp }) },
  ],
  ["camara-enum-casing-convention", { mutate: (d) => schemas(d).Shape.enum.push("Triangle") }],
  ["camara-schema-type-check", { mutate: (d) => delete schemas(d).ErrorInfo.properties.message.type }],
  // §5 OWASP rules CAMARA uses.
  [
    "owasp:api1:2023-no-numeric-ids",
    {
      mutate: (d) => {
        getWidget(d).parameters[1].schema = { type: "integer", format: "int64", minimum: 1, maximum: 1000 };
        getWidget(d).parameters[1].example = 3;
      },
    },
  ],
  [
    "owasp:api2:2023-no-credentials-in-url",
    {
      mutate: (d) =>
        getWidget(d).parameters.push({
          name: "access_token",
          in: "query",
          description: "A token",
          schema: stringProp,
        }),
    },
  ],
  [
    "owasp:api2:2023-short-lived-access-tokens",
    {
      mutate: (d) =>
        (d.components.securitySchemes.oauth = {
          type: "oauth2",
          flows: { clientCredentials: { tokenUrl: "https://localhost/token", scopes: {} } },
        }),
    },
  ],
  ["owasp:api2:2023-write-restricted", { mutate: (d) => delete createWidget(d).security }],
  ["owasp:api2:2023-read-restricted", { mutate: (d) => (getWidget(d).security = [{}]) }],
  [
    "owasp:api3:2023-no-additionalProperties",
    {
      mutate: (d) =>
        Object.assign(schemas(d).Widget, { additionalProperties: { ...stringProp }, maxProperties: 5 }),
    },
  ],
  [
    "owasp:api3:2023-constrained-additionalProperties",
    {
      mutate: (d) => (schemas(d).Widget.additionalProperties = { ...stringProp }),
      also: ["owasp:api3:2023-no-additionalProperties"],
    },
  ],
  [
    "owasp:api4:2023-array-limit",
    {
      mutate: (d) =>
        (schemas(d).Widget.properties.shapes = {
          description: "Shapes",
          type: "array",
          items: { $ref: "#/components/schemas/Shape" },
        }),
    },
  ],
  [
    "owasp:api4:2023-integer-limit-legacy",
    { mutate: (d) => delete schemas(d).RoundWidgetRequest.allOf[1].properties.radius.maximum },
  ],
  [
    "owasp:api4:2023-integer-format",
    { mutate: (d) => delete schemas(d).RoundWidgetRequest.allOf[1].properties.radius.format },
  ],
  [
    "owasp:api4:2023-string-limit",
    { mutate: (d) => delete schemas(d).WidgetRequest.properties.sink.maxLength },
  ],
  [
    "owasp:api4:2023-string-restricted",
    { mutate: (d) => delete schemas(d).WidgetRequest.properties.sink.format },
  ],
  [
    "owasp:api5:2023-admin-security-unique",
    {
      mutate: (d) => {
        const { callbacks: _callbacks, ...op } = createWidget(d);
        d.paths["/admin/widgets"] = { post: { ...op, operationId: "adminCreateWidget" } };
      },
    },
  ],
  [
    "owasp:api7:2023-concerning-url-parameter",
    {
      mutate: (d) =>
        getWidget(d).parameters.push({
          name: "redirectUrl",
          in: "query",
          description: "Where",
          schema: stringProp,
        }),
    },
  ],
  ["owasp:api8:2023-define-error-validation", { mutate: (d) => delete getWidget(d).responses["400"] }],
  ["owasp:api8:2023-define-error-responses-401", { mutate: (d) => delete getWidget(d).responses["401"] }],
  [
    "owasp:api8:2023-no-server-http",
    { mutate: (d) => (d.servers = [{ url: "http://localhost/demo-widgets/v0.1" }]) },
  ],
  // Checks no off-the-shelf tool makes (more cases in functions/*.test.ts).
  ["camara-example-valid", { mutate: (d) => delete d.components.examples.ROUND_WIDGET.value.radius }],
  [
    "camara-example-undeclared-property",
    { mutate: (d) => (d.components.examples.ROUND_WIDGET.value.radiuss = 3) },
  ],
  [
    "camara-pattern-not-format",
    { mutate: (d) => (schemas(d).WidgetId.pattern = "uuid"), also: ["camara-example-valid"] },
  ],
  [
    "camara-required-defined",
    // The CREATED example then lacks the required "colour": the example check says so too.
    { mutate: (d) => schemas(d).Widget.required.push("colour"), also: ["camara-example-valid"] },
  ],
  [
    "camara-discriminator-mapping",
    {
      mutate: (d) =>
        (schemas(d).WidgetRequest.discriminator.mapping.TRIANGLE = "#/components/schemas/Triangle"),
    },
  ],
  [
    "camara-operation-id-unique",
    {
      mutate: (d) =>
        (createWidget(d).callbacks.widgetEvents["{$request.body#/sink}"].post.operationId = "createWidget"),
    },
  ],
  [
    "camara-unused-component",
    { mutate: (d) => (schemas(d).Orphan = { description: "Nobody", type: "boolean" }) },
  ],
];

describe("camara-ruleset.yaml", () => {
  it("reports nothing for a spec that follows every rule", async () => {
    assert.deepEqual(await lintSpec(), []);
  });

  for (const [rule, { mutate, also = [] }] of cases) {
    it(`reports ${rule}, and nothing else, when the spec breaks that rule`, async () => {
      const findings = await lintSpec(mutate);
      assert.deepEqual(rulesOf(findings), [rule, ...also].sort(), JSON.stringify(findings, null, 1));
    });
  }
});
