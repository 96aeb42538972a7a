import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Doc, fixtureDoc, lintSpec, rulesOf } from "../../test/lint-fixture.ts";
import { collectExamples } from "../example-sites.ts";
import type { Finding } from "../finding.ts";

const schemas = (d: Doc) => d.components.schemas;
const callbackBody = (d: Doc) =>
  d.paths["/widgets"].post.callbacks.widgetEvents["{$request.body#/sink}"].post.requestBody.content[
    "application/json"
  ];

async function findingsOf(rule: string, mutate: (d: Doc) => void): Promise<Finding[]> {
  return (await lintSpec(mutate)).filter((f) => f.rule === rule);
}

describe("camara-example-valid", () => {
  it("checks request, response, parameter, callback and schema examples of the fixture, which are all valid", async () => {
    const labels = collectExamples(fixtureDoc()).flatMap((s) => s.uses.map((u) => u.label));
    for (const kind of ["request body", "response 201", "parameter widgetId", "callback widgetEvents"]) {
      assert.ok(
        labels.some((l) => l.includes(kind)),
        `no ${kind} example in ${labels.join(" | ")}`,
      );
    }
    assert.deepEqual(await findingsOf("camara-example-valid", () => {}), []);
  });

  it("follows the discriminator mapping: a round widget without radius is invalid", async () => {
    const [finding, ...rest] = await findingsOf("camara-example-valid", (d) => {
      delete d.components.examples.ROUND_WIDGET.value.radius;
    });
    assert.deepEqual(rest, []);
    assert.equal(finding?.pointer, "/components/examples/ROUND_WIDGET/value");
    assert.equal(
      finding?.message,
      `Example "ROUND_WIDGET" does not match its schema (POST /widgets request body (application/json)): must have required property 'radius'`,
    );
  });

  it("reports an invalid parameter example at the example", async () => {
    const findings = await findingsOf("camara-example-valid", (d) => {
      d.paths["/widgets/{widgetId}"].get.parameters[1].example = "not-a-uuid";
    });
    assert.deepEqual(
      findings.map((f) => [f.pointer, f.message]),
      [
        [
          "/paths/~1widgets~1{widgetId}/get/parameters/1/example",
          `Example "example" does not match its schema (GET /widgets/{widgetId} parameter widgetId (in path)): must match format "uuid"`,
        ],
      ],
    );
  });

  it("reports an invalid response example at the offending property", async () => {
    const findings = await findingsOf("camara-example-valid", (d) => {
      d.paths["/widgets"].post.responses["201"].content["application/json"].examples.CREATED.value.shape =
        "TRIANGLE";
    });
    assert.equal(findings.length, 1);
    assert.equal(
      findings[0]?.pointer,
      "/paths/~1widgets/post/responses/201/content/application~1json/examples/CREATED/value/shape",
    );
    assert.match(
      findings[0]?.message ?? "",
      /POST \/widgets response 201 \(application\/json\)\): shape must be one of "ROUND", "SQUARE"$/,
    );
  });

  it("checks callback examples", async () => {
    const findings = await findingsOf("camara-example-valid", (d) => {
      callbackBody(d).examples.WIDGET_CREATED.value.kind = "WIDGET_MELTED";
    });
    assert.equal(findings.length, 1);
    assert.match(
      findings[0]?.message ?? "",
      /callback widgetEvents POST \{\$request.body#\/sink\} of POST \/widgets request body/,
    );
  });

  it("checks schema examples", async () => {
    const findings = await findingsOf("camara-example-valid", (d) => {
      schemas(d).XCorrelator.example = "not valid!";
    });
    assert.deepEqual(
      findings.map((f) => [f.pointer, f.message]),
      [
        [
          "/components/schemas/XCorrelator/example",
          'Schema example "not valid!" does not match its schema: must match pattern "^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$"',
        ],
      ],
    );
  });
});

describe("camara-example-undeclared-property", () => {
  it("names the property and the closest declared one", async () => {
    const findings = await findingsOf("camara-example-undeclared-property", (d) => {
      d.components.examples.ROUND_WIDGET.value.radiuss = 3;
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.pointer, "/components/examples/ROUND_WIDGET/value/radiuss");
    assert.equal(
      findings[0]?.message,
      `Example "ROUND_WIDGET" (POST /widgets request body (application/json)): property "radiuss" is not defined by ` +
        `RoundWidgetRequest (did you mean "radius"?). It validates only because additionalProperties is not false; ` +
        "no client or server reads it.",
    );
  });

  it("says when the example carries none of the schema's properties (fields wrapped in an envelope)", async () => {
    const findings = await findingsOf("camara-example-undeclared-property", (d) => {
      callbackBody(d).examples.WIDGET_CREATED.value = {
        event: { widgetId: "3fa85f64-5717-4562-b3fc-2c963f66afa6", kind: "WIDGET_CREATED" },
      };
      callbackBody(d).schema = { $ref: "#/components/schemas/Widget" };
      schemas(d).Widget.required = [];
    });
    assert.equal(findings.length, 1);
    assert.match(
      findings[0]?.message ?? "",
      /"event" is not defined by Widget; the object carries none of the properties Widget defines/,
    );
  });

  it("leaves objects that close additionalProperties to camara-example-valid", async () => {
    const findings = await lintSpec((d) => {
      schemas(d).Widget.additionalProperties = false;
      d.paths["/widgets"].post.responses["201"].content["application/json"].examples.CREATED.value.extra =
        "x";
    });
    assert.deepEqual(rulesOf(findings), ["camara-example-valid"]);
  });

  it("leaves free-form objects alone", async () => {
    const findings = await lintSpec((d) => {
      schemas(d).Widget.properties.labels = { description: "Free-form labels", type: "object" };
      d.paths["/widgets"].post.responses["201"].content["application/json"].examples.CREATED.value.labels = {
        anything: "goes",
      };
    });
    assert.deepEqual(rulesOf(findings), []);
  });
});

describe("camara-pattern-not-format", () => {
  it("reports a format name written as a pattern", async () => {
    const findings = await findingsOf("camara-pattern-not-format", (d) => {
      schemas(d).ErrorInfo.properties.message.pattern = "date-time";
    });
    assert.deepEqual(
      findings.map((f) => [f.pointer, f.severity]),
      [["/components/schemas/ErrorInfo/properties/message/pattern", "error"]],
    );
  });

  it("accepts a real regular expression that mentions a format name", async () => {
    const findings = await findingsOf("camara-pattern-not-format", (d) => {
      schemas(d).ErrorInfo.properties.message.pattern = "^uuid-[0-9]+$";
    });
    assert.deepEqual(findings, []);
  });
});

describe("camara-required-defined", () => {
  it("reports a name an allOf branch requires that no branch defines", async () => {
    const findings = await findingsOf("camara-required-defined", (d) => {
      schemas(d).RoundWidgetRequest.allOf[1].required.push("diameter");
    });
    assert.deepEqual(
      findings.map((f) => [f.pointer, f.message]),
      [
        [
          "/components/schemas/RoundWidgetRequest/allOf/1/required/1",
          'required property "diameter" is not defined by RoundWidgetRequest (allOf folded; defined: radius, shape, sink); ' +
            'every valid instance would need an undeclared "diameter"',
        ],
      ],
    );
  });

  it("accepts a name an allOf branch requires and a sibling branch defines", async () => {
    const findings = await findingsOf("camara-required-defined", (d) => {
      schemas(d).RoundWidgetRequest.allOf[1].required.push("sink");
    });
    assert.deepEqual(findings, []);
  });

  it("judges a oneOf branch that only requires names against its parent's properties", async () => {
    const branches = (names: string[]) => (d: Doc) => {
      schemas(d).Widget.oneOf = names.map((n) => ({ required: [n] }));
    };
    assert.deepEqual(await findingsOf("camara-required-defined", branches(["widgetId", "shape"])), []);
    const findings = await findingsOf("camara-required-defined", branches(["widgetId", "colour"]));
    assert.deepEqual(
      findings.map((f) => f.pointer),
      ["/components/schemas/Widget/oneOf/1/required/0"],
    );
  });
});

describe("camara-discriminator-mapping", () => {
  it("reports a mapping that does not resolve", async () => {
    const findings = await findingsOf("camara-discriminator-mapping", (d) => {
      schemas(d).WidgetRequest.discriminator.mapping.TRIANGLE = "#/components/schemas/Triangle";
    });
    assert.deepEqual(
      findings.map((f) => [f.pointer, f.message]),
      [
        [
          "/components/schemas/WidgetRequest/discriminator/mapping/TRIANGLE",
          'discriminator mapping "TRIANGLE" → "#/components/schemas/Triangle" does not resolve to a schema',
        ],
      ],
    );
  });

  it("reports a propertyName the schema does not define", async () => {
    const findings = await findingsOf("camara-discriminator-mapping", (d) => {
      schemas(d).WidgetRequest.discriminator.propertyName = "form";
    });
    assert.deepEqual(
      findings.map((f) => f.pointer),
      ["/components/schemas/WidgetRequest/discriminator/propertyName"],
    );
  });

  it("accepts a mapping to a schema name (OpenAPI 3.0 §4.7.25)", async () => {
    const findings = await findingsOf("camara-discriminator-mapping", (d) => {
      schemas(d).WidgetRequest.discriminator.mapping.ROUND = "RoundWidgetRequest";
    });
    assert.deepEqual(findings, []);
  });
});

describe("camara-operation-id-unique", () => {
  it("reports a callback reusing the operationId of the operation that holds it", async () => {
    const findings = await findingsOf("camara-operation-id-unique", (d) => {
      d.paths["/widgets"].post.callbacks.widgetEvents["{$request.body#/sink}"].post.operationId =
        "createWidget";
    });
    assert.deepEqual(
      findings.map((f) => [f.pointer, f.message]),
      [
        [
          "/paths/~1widgets/post/callbacks/widgetEvents/{$request.body#~1sink}/post/operationId",
          'operationId "createWidget" of callback widgetEvents POST {$request.body#/sink} of POST /widgets is already ' +
            'used by POST /widgets; OpenAPI 3.0 §4.7.10: "The id MUST be unique among all operations described in the API."',
        ],
      ],
    );
  });
});

describe("camara-unused-component", () => {
  it("counts a schema named only by a discriminator mapping as used", async () => {
    assert.deepEqual(await findingsOf("camara-unused-component", () => {}), []);
    const findings = await findingsOf("camara-unused-component", (d) => {
      delete schemas(d).WidgetRequest.discriminator.mapping.SQUARE;
    });
    assert.deepEqual(
      findings.map((f) => f.pointer),
      ["/components/schemas/SquareWidgetRequest"],
    );
  });
});
