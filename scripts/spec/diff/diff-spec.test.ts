import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OpenApiDocument } from "../../codegen/effective-spec.ts";
import { type Doc, FIXTURE, fixtureDoc } from "../test/lint-fixture.ts";
import { diffSpecs } from "./diff-spec.ts";

const get = (d: Doc) => d.paths["/widgets/{widgetId}"].get;
const post = (d: Doc) => d.paths["/widgets"].post;
const schemas = (d: Doc) => d.components.schemas;
const eventKind = (d: Doc) => schemas(d).WidgetEvent.properties.kind;

/** Diffs the demo-widgets spec against a changed copy; each change as `class kind @ location`. */
function diffFixture(mutateNew: (d: Doc) => void, mutateOld: (d: Doc) => void = () => {}): string[] {
  const a = fixtureDoc();
  mutateOld(a);
  const b = fixtureDoc();
  mutateOld(b);
  mutateNew(b);
  return diffSpecs(a as OpenApiDocument, b as OpenApiDocument).map(
    (c) => `${c.class} ${c.kind} @ ${c.location}`,
  );
}

/** Change → [what makes it fire, the changes expected]; quiet cases expect only non-breaking ones. */
const cases: [string, (d: Doc) => void, string[], ((d: Doc) => void)?][] = [
  [
    "a path removed",
    (d) => delete d.paths["/widgets/{widgetId}"],
    ["breaking path-removed @ /widgets/{widgetId}"],
  ],
  [
    "an operation removed from a path that stays",
    (d) => delete d.paths["/widgets/{widgetId}"].get,
    ["breaking operation-removed @ GET /widgets/{widgetId}"],
    (d) => (d.paths["/widgets/{widgetId}"].delete = { ...get(d), operationId: "deleteWidget" }),
  ],
  [
    "an operation added",
    (d) => (d.paths["/widgets/{widgetId}"].delete = { ...get(d), operationId: "deleteWidget" }),
    ["non-breaking operation-added @ DELETE /widgets/{widgetId}"],
  ],
  [
    "a response removed",
    (d) => delete get(d).responses["404"],
    ["breaking response-removed @ GET /widgets/{widgetId}"],
  ],
  [
    "a response added",
    (d) => (get(d).responses["409"] = get(d).responses["404"]),
    ["non-breaking response-added @ GET /widgets/{widgetId}"],
  ],
  [
    "a required request property added (also under each discriminator value)",
    (d) => {
      schemas(d).WidgetRequest.properties.colour = { type: "string", maxLength: 9 };
      schemas(d).WidgetRequest.required.push("colour");
    },
    ["breaking request-required-property-added @ POST /widgets"],
  ],
  [
    "an optional request property added",
    (d) => (schemas(d).WidgetRequest.properties.colour = { type: "string", maxLength: 9 }),
    ["non-breaking request-property-added @ POST /widgets"],
  ],
  [
    "a required parameter added",
    (d) =>
      get(d).parameters.push({ name: "detail", in: "query", required: true, schema: { type: "string" } }),
    ["breaking required-parameter-added @ GET /widgets/{widgetId}"],
  ],
  [
    "an optional parameter added",
    (d) => get(d).parameters.push({ name: "detail", in: "query", schema: { type: "string" } }),
    ["non-breaking parameter-added @ GET /widgets/{widgetId}"],
  ],
  [
    "a parameter that became required",
    (d) => (get(d).parameters[2].required = true),
    ["breaking parameter-became-required @ GET /widgets/{widgetId}"],
    (d) => get(d).parameters.push({ name: "detail", in: "query", schema: { type: "string" } }),
  ],
  [
    "a path parameter renamed",
    (d) => {
      d.paths["/widgets/{id}"] = d.paths["/widgets/{widgetId}"];
      delete d.paths["/widgets/{widgetId}"];
      d.paths["/widgets/{id}"].get.parameters[1].name = "id";
    },
    ["informational parameter-renamed @ GET /widgets/{id}"],
  ],
  [
    "an enum narrowed, in a request (breaking) and in responses (not)",
    (d) => schemas(d).Shape.enum.pop(),
    [
      "breaking request-enum-narrowed @ POST /widgets",
      "non-breaking response-enum-narrowed @ POST /widgets",
      "non-breaking response-enum-narrowed @ GET /widgets/{widgetId}",
    ],
  ],
  [
    "a response enum widened",
    (d) =>
      d.components.responses.Generic404.content["application/json"].schema.allOf[1].properties.code.enum.push(
        "GONE",
      ),
    ["breaking response-enum-widened @ GET /widgets/{widgetId}"],
  ],
  [
    "a callback body enum widened (the API sends it)",
    (d) => eventKind(d).enum.push("WIDGET_MELTED"),
    ["breaking response-enum-widened @ POST /widgets callback widgetEvents POST {$request.body#/sink}"],
  ],
  [
    "a request enum widened",
    (d) => schemas(d).RoundWidgetRequest.allOf[1].properties.radius.enum.push(4),
    ["non-breaking request-enum-widened @ POST /widgets"],
    (d) => (schemas(d).RoundWidgetRequest.allOf[1].properties.radius.enum = [1, 2, 3]),
  ],
  [
    "a type changed behind a discriminator",
    (d) => (schemas(d).RoundWidgetRequest.allOf[1].properties.radius.type = "number"),
    ["breaking request-type-changed @ POST /widgets"],
  ],
  [
    "a format changed",
    (d) => (schemas(d).RoundWidgetRequest.allOf[1].properties.radius.format = "int64"),
    ["breaking request-format-changed @ POST /widgets"],
  ],
  [
    "a request maxLength lowered",
    (d) => (schemas(d).WidgetRequest.properties.sink.maxLength = 1024),
    ["breaking request-constraint-tightened @ POST /widgets"],
  ],
  [
    "a request maxLength raised",
    (d) => (schemas(d).WidgetRequest.properties.sink.maxLength = 4096),
    ["non-breaking request-constraint-loosened @ POST /widgets"],
  ],
  [
    "a request minLength added",
    (d) => (schemas(d).WidgetRequest.properties.sink.minLength = 10),
    ["breaking request-constraint-tightened @ POST /widgets"],
  ],
  [
    "a request minimum raised",
    (d) => (schemas(d).RoundWidgetRequest.allOf[1].properties.radius.minimum = 2),
    ["breaking request-constraint-tightened @ POST /widgets"],
  ],
  [
    "a request pattern added",
    (d) => (schemas(d).WidgetRequest.properties.sink.pattern = "^https://"),
    ["breaking request-constraint-tightened @ POST /widgets"],
  ],
  [
    "a response constraint tightened",
    (d) => (schemas(d).ErrorInfo.properties.message.maxLength = 256),
    [
      "non-breaking response-constraint-tightened @ GET /widgets/{widgetId}",
      "non-breaking response-constraint-tightened @ GET /widgets/{widgetId}",
      "non-breaking response-constraint-tightened @ GET /widgets/{widgetId}",
      "non-breaking response-constraint-tightened @ POST /widgets",
      "non-breaking response-constraint-tightened @ POST /widgets",
    ],
  ],
  [
    "a required response property removed",
    (d) => {
      delete schemas(d).Widget.properties.shape;
      schemas(d).Widget.required = ["widgetId"];
    },
    [
      "breaking response-required-property-removed @ GET /widgets/{widgetId}",
      "breaking response-required-property-removed @ POST /widgets",
    ],
  ],
  [
    "a required response property made optional",
    (d) => (schemas(d).Widget.required = ["widgetId"]),
    [
      "breaking response-property-became-optional @ GET /widgets/{widgetId}",
      "breaking response-property-became-optional @ POST /widgets",
    ],
  ],
  [
    "security scopes added",
    (d) => get(d).security[0].openId.push("demo-widgets:widgets:admin"),
    ["breaking security-scopes-added @ GET /widgets/{widgetId}"],
  ],
  [
    "security scopes removed",
    (d) => (get(d).security = [{ openId: [] }]),
    ["non-breaking security-scopes-removed @ GET /widgets/{widgetId}"],
  ],
  [
    "the server base path changed",
    (d) => (d.servers[0].url = "{apiRoot}/demo-widgets/v0.2"),
    ["breaking base-path-changed @ servers"],
  ],
  ["info.version changed", (d) => (d.info.version = "0.2.0"), ["informational version-changed @ info"]],
  [
    "an operationId changed",
    (d) => (get(d).operationId = "readWidget"),
    ["informational operation-id-changed @ GET /widgets/{widgetId}"],
  ],
  ["a callback removed", (d) => delete post(d).callbacks, ["breaking callback-removed @ POST /widgets"]],
  [
    "a request body that became required",
    (d) => (post(d).requestBody.required = true),
    ["breaking request-body-became-required @ POST /widgets"],
    (d) => (post(d).requestBody.required = false),
  ],
  [
    "a request media type replaced",
    (d) => {
      const content = post(d).requestBody.content;
      content["application/merge-patch+json"] = content["application/json"];
      delete content["application/json"];
    },
    [
      "breaking request-media-type-removed @ POST /widgets",
      "non-breaking request-media-type-added @ POST /widgets",
    ],
  ],
  [
    "a success status replaced (201 → 200), its bodies still compared",
    (d) => {
      const responses = post(d).responses;
      responses["200"] = responses["201"];
      delete responses["201"];
      schemas(d).Widget.properties.label = { type: "string", maxLength: 9 };
    },
    [
      "breaking success-status-changed @ POST /widgets",
      "non-breaking response-property-added @ POST /widgets",
      "non-breaking response-property-added @ GET /widgets/{widgetId}",
    ],
  ],
  [
    "a schema renamed, same shape (names are not on the wire)",
    (d) => {
      schemas(d).WidgetIdentifier = schemas(d).WidgetId;
      delete schemas(d).WidgetId;
      schemas(d).Widget.properties.widgetId.$ref = "#/components/schemas/WidgetIdentifier";
      schemas(d).WidgetEvent.properties.widgetId.$ref = "#/components/schemas/WidgetIdentifier";
      get(d).parameters[1].schema.$ref = "#/components/schemas/WidgetIdentifier";
    },
    ["informational schema-renamed @ components.schemas"],
  ],
  [
    "a schema renamed in case only, shape changed",
    (d) => {
      schemas(d).widget = { ...schemas(d).Widget, description: "A widget, renamed" };
      delete schemas(d).Widget;
      for (const r of [post(d).responses["201"], get(d).responses["200"]]) {
        r.content["application/json"].schema.$ref = "#/components/schemas/widget";
      }
    },
    ["informational schema-renamed @ components.schemas"],
  ],
  [
    "a schema removed and another added",
    (d) => {
      delete schemas(d).Unused;
      schemas(d).AlsoUnused = { type: "integer", format: "int32" };
    },
    ["informational schema-removed @ components.schemas", "informational schema-added @ components.schemas"],
    (d) => (schemas(d).Unused = { type: "string", maxLength: 3 }),
  ],
  [
    "a maxLength added that the pattern already implied (not a narrowing)",
    (d) => (schemas(d).XCorrelator.maxLength = 256),
    [
      "informational request-constraint-restated @ POST /widgets",
      "informational request-constraint-restated @ GET /widgets/{widgetId}",
    ],
    (d) => delete schemas(d).XCorrelator.maxLength,
  ],
  [
    "a maxLength added below the pattern's bound (a narrowing)",
    (d) => (schemas(d).XCorrelator.maxLength = 36),
    [
      "breaking request-constraint-tightened @ POST /widgets",
      "breaking request-constraint-tightened @ GET /widgets/{widgetId}",
    ],
    (d) => delete schemas(d).XCorrelator.maxLength,
  ],
  [
    "a request pattern widened by a new alternative (the r3.1 emergency URN)",
    (d) =>
      (schemas(d).WidgetRequest.properties.sink.pattern =
        "^(https://.+|wss://.+|urn:service:sos(?:\\.[a-z]+)*)$"),
    ["non-breaking request-constraint-loosened @ POST /widgets"],
    (d) => (schemas(d).WidgetRequest.properties.sink.pattern = "^(https://.+|wss://.+)$"),
  ],
  [
    "a request pattern whose alternatives changed (a narrowing)",
    (d) => (schemas(d).WidgetRequest.properties.sink.pattern = "^(https://.+|urn:x)$"),
    ["breaking request-constraint-tightened @ POST /widgets"],
    (d) => (schemas(d).WidgetRequest.properties.sink.pattern = "^(https://.+|wss://.+)$"),
  ],
  [
    "a request discriminator removed (any shape accepted)",
    (d) => delete schemas(d).WidgetRequest.discriminator,
    ["non-breaking request-discriminator-removed @ POST /widgets"],
  ],
  [
    "a response header removed",
    (d) => (get(d).responses["200"].headers = {}),
    ["breaking response-header-removed @ GET /widgets/{widgetId}"],
  ],
];

describe("spec:diff classes each change", () => {
  it("reports nothing for a spec against itself", () => {
    assert.deepEqual(
      diffFixture(() => {}),
      [],
    );
    assert.ok(FIXTURE.spec.endsWith("demo-widgets.yaml"));
  });

  for (const [name, mutate, expected, old] of cases) {
    it(`reports ${name}`, () => {
      assert.deepEqual(diffFixture(mutate, old).sort(), [...expected].sort());
    });
  }
});
