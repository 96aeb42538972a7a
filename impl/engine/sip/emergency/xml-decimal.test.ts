import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { xmlDecimal } from "./xml-decimal.ts";

describe("xmlDecimal", () => {
  const cases: Array<[string, { given: number; want: string }]> = [
    ["an integer", { given: 850, want: "850" }],
    ["a negative longitude", { given: -73.2512, want: "-73.2512" }],
    ["a value binary floating point cannot hold exactly", { given: 40.4, want: "40.4" }],
    ["the sum that prints 0.30000000000000004", { given: 0.1 + 0.2, want: "0.30000000000000004" }],
    ["seven decimal places", { given: 40.4165002, want: "40.4165002" }],
    ["a tiny value String() writes as 1e-7", { given: 1e-7, want: "0.0000001" }],
    ["a tiny negative with digits", { given: -1.25e-8, want: "-0.0000000125" }],
    ["a huge value String() writes as 1.5e+21", { given: 1.5e21, want: "1500000000000000000000" }],
    ["negative zero", { given: -0, want: "0" }],
  ];
  for (const [name, { given, want }] of cases)
    it(`writes ${name} as ${want}, which reads back as the same number`, () => {
      assert.equal(xmlDecimal(given), want);
      assert.equal(Number(xmlDecimal(given)), given === 0 ? 0 : given);
      assert.match(xmlDecimal(given), /^-?\d+(\.\d+)?$/, "xs:decimal lexical form");
    });

  it("refuses NaN and infinities", () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      assert.throws(() => xmlDecimal(bad), RangeError);
  });
});
