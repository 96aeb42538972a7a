import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Doc, lintSpecWith } from "../../test/lint-fixture.ts";
import { DEFAULT_RULESET, R4_RULESET } from "../load-ruleset.ts";

const R4_RULES = [
  "camara-commonalities-version",
  "camara-error-code-casing",
  "camara-scope-naming",
  "owasp:api4:2023-string-limit",
];

/** The findings of the Commonalities r4.x rules on the fixture after `mutate`, as [pointer, message]. */
async function r4Findings(mutate: (d: Doc) => void, ruleset = R4_RULESET) {
  const findings = await lintSpecWith(ruleset, (d) => {
    d.info["x-camara-commonalities"] = "0.8.0-rc.2";
    mutate(d);
  });
  return findings
    .filter((f) => R4_RULES.includes(f.rule))
    .map((f) => [f.rule, f.severity, f.pointer, f.message] as const);
}

const CREATE = "/paths/~1widgets/post";

describe("the Commonalities r4.x rules (camara-ruleset-r4.yaml)", () => {
  it("find nothing in the fixture, which follows them", async () => {
    assert.deepEqual(await r4Findings(() => {}), []);
  });

  const cases: [string, { given: (d: Doc) => void; want: (readonly [string, string, string, string])[] }][] =
    [
      [
        "a scope without the api-name of the server base path",
        {
          given: (d) => {
            d.paths["/widgets"].post.security[0].openId[0] = "widgets:create";
          },
          want: [
            [
              "camara-scope-naming",
              "error",
              `${CREATE}/security/0/openId/0`,
              'POST /widgets: scope "widgets:create" is not demo-widgets:[resource:]action',
            ],
          ],
        },
      ],
      [
        "an error code in camel case",
        {
          given: (d) => {
            d.components.responses.Generic400.content[
              "application/json"
            ].schema.allOf[1].properties.code.enum = ["invalidArgument"];
          },
          want: [
            [
              "camara-error-code-casing",
              "error",
              "/components/responses/Generic400/content/application~1json/schema/allOf/1/properties/code/enum/0",
              'error code "invalidArgument" is not SCREAMING_SNAKE_CASE (or API_NAME.SPECIFIC_CODE)',
            ],
          ],
        },
      ],
      [
        "x-camara-commonalities written as a number (0.6)",
        {
          given: (d) => {
            d.info["x-camara-commonalities"] = 0.6;
          },
          want: [
            [
              "camara-commonalities-version",
              "error",
              "/info/x-camara-commonalities",
              "x-camara-commonalities 0.6 is not a full version string (x.y.z or x.y.z-rc.n)",
            ],
          ],
        },
      ],
      [
        "x-camara-commonalities of an r3.x release",
        {
          given: (d) => {
            d.info["x-camara-commonalities"] = "0.5.0";
          },
          want: [
            [
              "camara-commonalities-version",
              "error",
              "/info/x-camara-commonalities",
              "x-camara-commonalities 0.5.0 is not a version of Commonalities r4.1 or r4.2 (0.7.x, 0.8.x)",
            ],
          ],
        },
      ],
      [
        "a string with a pattern but no maxLength",
        {
          given: (d) => {
            delete d.components.schemas.ErrorInfo.properties.code.maxLength;
          },
          want: [
            [
              "owasp:api4:2023-string-limit",
              "error",
              "/components/schemas/ErrorInfo/properties/code",
              "schema of type string must specify maxLength, or enum, or const",
            ],
          ],
        },
      ],
    ];
  for (const [name, { given, want }] of cases) {
    it(`report ${name}`, async () => {
      assert.deepEqual(await r4Findings(given), want);
    });
  }

  it("make a string without maxLength an error, where the base ruleset warns", async () => {
    const base = await r4Findings((d) => {
      delete d.components.schemas.ErrorInfo.properties.code.maxLength;
    }, DEFAULT_RULESET);
    assert.deepEqual(
      base.map(([rule, severity]) => [rule, severity]),
      [["owasp:api4:2023-string-limit", "warn"]],
    );
  });
});
