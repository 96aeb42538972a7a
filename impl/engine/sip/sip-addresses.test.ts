import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressFromUri, sipUriFromAddress } from "./sip-addresses.ts";

describe("CAMARA addresses ⇄ SIP URIs", () => {
  const table: Array<[string, { given: string; want: string }]> = [
    ["a tel: URI", { given: "tel:+34600000002", want: "sip:+34600000002@lab.test;user=phone" }],
    [
      "a tel: URI with visual separators",
      { given: "tel:+34-600-000-002", want: "sip:+34600000002@lab.test;user=phone" },
    ],
    ["a SIP URI", { given: "sip:bob@example.com", want: "sip:bob@example.com" }],
    ["a bare number", { given: "+34600000002", want: "sip:+34600000002@lab.test;user=phone" }],
  ];
  for (const [name, { given, want }] of table)
    it(`turns ${name} into ${want}`, () =>
      assert.equal(sipUriFromAddress(given, "lab.test").toString(), want));

  it("turns a telephone-number SIP URI back into tel:", () => {
    assert.equal(addressFromUri(sipUriFromAddress("tel:+34600000002", "x")), "tel:+34600000002");
    assert.equal(addressFromUri(sipUriFromAddress("sip:bob@example.com", "x")), "sip:bob@example.com");
  });
});
