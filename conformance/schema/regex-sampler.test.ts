import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sampleRegex } from "./regex-sampler.ts";
import { seededRandom } from "./seeded-random.ts";

/** Patterns of the CAMARA WebRTC specs and Commonalities, and a few constructs around them. */
const PATTERNS: [string, string][] = [
  ["XCorrelator", "^[a-zA-Z0-9-_:;.\\/<>{}]{0,256}$"],
  ["PhoneNumber", "^\\+[1-9][0-9]{4,14}$"],
  ["Address", "^(tel:\\+[0-9]{5,15}|sip:[A-Za-z0-9_.!%+\\-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})$"],
  ["https sink", "^https:\\/\\/.+$"],
  ["negated class and \\d", "^[^a-z]\\d{3}$"],
  ["optional group and lazy quantifier", "^a(?:bc)?d+?$"],
];

describe("sampleRegex draws strings matching a pattern", () => {
  for (const [name, pattern] of PATTERNS) {
    it(`matches ${name}`, () => {
      const random = seededRandom(name);
      for (let i = 0; i < 50; i++) {
        const value = sampleRegex(pattern, random);
        assert.match(value, new RegExp(pattern));
      }
    });
  }

  it("draws the same strings for the same seed", () => {
    const draw = () =>
      Array.from({ length: 5 }, (_, i) => sampleRegex(PATTERNS[2]?.[1] ?? "", seededRandom(`s${i}`)));
    assert.deepEqual(draw(), draw());
  });

  it("refuses look-arounds and back-references, which it cannot generate", () => {
    assert.throws(() => sampleRegex("^(?=a)a$", seededRandom("x")), /not supported/);
    assert.throws(() => sampleRegex("^(a)\\1$", seededRandom("x")), /not supported/);
  });
});
