import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { phrase, splitStatuses, splitValues } from "./step-phrase.ts";

/** Canonical phrase → step texts (as written upstream or in Commonalities templates) it must accept. */
const ACCEPTS: [string, { canonical: string; texts: string[]; captures?: string[] }][] = [
  [
    "status: is / should be, and two statuses",
    {
      canonical: "the response status code is {statuses}",
      texts: [
        "the response status code is 400",
        "the response status code should be 200",
        "the response status code should be 201 or 202",
        "the response code is 404",
        "the response  code is 404",
      ],
    },
  ],
  [
    "has same / has the same",
    {
      canonical: "the response header {string} has same value as the request header {string}",
      texts: [
        'the response header "x-correlator" has same value as the request header "x-correlator"',
        'the response header "x-correlator" has the same value as the request header "x-correlator"',
      ],
      captures: ["x-correlator", "x-correlator"],
    },
  ],
  [
    "user friendly / user-friendly",
    {
      canonical: "the response property {string} contains a user friendly text",
      texts: [
        'the response property "$.message" contains a user friendly text',
        'the response property "$.message" contains a user-friendly text',
      ],
    },
  ],
  [
    "a trailing | with spaces and a carriage return",
    {
      canonical: "the resource {string}",
      texts: [
        'the resource "/webrtc-registration/v0.3/sessions"                                                              |',
        'the resource "/webrtc-registration/v0.3/sessions"\r',
      ],
      captures: ["/webrtc-registration/v0.3/sessions"],
    },
  ],
  [
    "a missing 'is' before 'set to' and before 'not included'",
    {
      canonical: "the path parameter {string} is set to {string}",
      texts: [
        'the path parameter "registrationId" set to ""',
        'the path parameter "registrationId" is set to ""',
      ],
      captures: ["registrationId", ""],
    },
  ],
  [
    "'a existing', 'the the', must / should",
    {
      canonical: "the path parameter {string} is set by default to an existing {text}",
      texts: ['the path parameter "mediaSessionId" is set by default to a existing register session'],
    },
  ],
  [
    "the the",
    {
      canonical: "each item of the response array, if any, complies with the OAS schema at {string}",
      texts: [
        'each item of the the response array, if any, complies with the OAS schema at "/components/schemas/Subscription"',
      ],
    },
  ],
  [
    "must contain / should contain",
    {
      canonical: "the response body should contain a {string}",
      texts: [
        'the response body must contain a "registrationId"',
        'the response body should contain a "mediaSessionId"',
      ],
    },
  ],
  [
    "optional words",
    {
      canonical: "the request body is [included but is] not compliant with the schema [at] {string}",
      texts: [
        'the request body is included but is not compliant with the schema at "/components/schemas/X"',
        'the request body is not compliant with the schema "/components/schemas/X"',
      ],
      captures: ["/components/schemas/X"],
    },
  ],
];

const REFUSES: [string, { canonical: string; text: string }][] = [
  [
    "another header step",
    { canonical: "the header {string} is set to {string}", text: 'the header "A" is removed' },
  ],
  [
    "a token wording is not a quoted value",
    {
      canonical: "the header {string} is set to {string}",
      text: 'the header "Authorization" is set to a valid access token',
    },
  ],
  [
    "text after the step",
    { canonical: "the response status code is {statuses}", text: "the response status code is 400 twice" },
  ],
  [
    "a saved-as step is not a property value",
    {
      canonical: "the response property {string} is {values}",
      text: 'the response property "$.id" is saved as "x"',
    },
  ],
];

describe("phrase: one step definition accepts the wording drift seen upstream", () => {
  for (const [name, { canonical, texts, captures }] of ACCEPTS) {
    it(`accepts ${name}`, () => {
      const re = phrase(canonical);
      for (const text of texts) {
        const m = re.exec(text);
        assert.ok(m, `${re} does not match ${JSON.stringify(text)}`);
        if (captures) assert.deepEqual(m.slice(1), captures);
      }
    });
  }
  for (const [name, { canonical, text }] of REFUSES) {
    it(`refuses ${name}`, () => assert.equal(phrase(canonical).test(text), false));
  }
  it("refuses an unknown parameter type", () =>
    assert.throws(() => phrase("the {color} car"), /Unknown parameter/));
});

describe("splitValues and splitStatuses", () => {
  it('splits "A" OR "B" into JSON literals', () => {
    assert.deepEqual(splitValues('"INVALID_TOKEN" OR "INVALID_ARGUMENT"'), [
      '"INVALID_TOKEN"',
      '"INVALID_ARGUMENT"',
    ]);
    assert.deepEqual(splitValues("400"), ["400"]);
  });
  it("splits 201 or 202", () => assert.deepEqual(splitStatuses("201 or 202"), [201, 202]));
});
