import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assertedIdentity } from "./asserted-identity.ts";

describe("assertedIdentity (RFC 3325 §9.1 P-Asserted-Identity values)", () => {
  const table: Array<[string, { given: string[]; want: { uri: string; name?: string } | undefined }]> = [
    ["no header asserts nothing", { given: [], want: undefined }],
    [
      "a name-addr with a display name",
      {
        given: ['"Bank" <sip:+34600000099@ims.example>'],
        want: { uri: "sip:+34600000099@ims.example", name: "Bank" },
      },
    ],
    [
      "an addr-spec",
      { given: ["sip:+34600000099@ims.example"], want: { uri: "sip:+34600000099@ims.example" } },
    ],
    ["a tel URI", { given: ["<tel:+34600000099>"], want: { uri: "tel:+34600000099" } }],
    [
      "a sip and a tel URI in one header: the first",
      {
        given: ['"Bank, Inc." <sip:+34600000099@ims.example>, <tel:+34600000099>'],
        want: { uri: "sip:+34600000099@ims.example", name: "Bank, Inc." },
      },
    ],
    [
      "a tel URI with a display name, in a second header after an unparsable one",
      {
        given: ["<<garbage", "Bank <tel:+34600000099;cpc=ordinary>"],
        want: { uri: "tel:+34600000099", name: "Bank" },
      },
    ],
    ["a value that is no name-addr asserts nothing", { given: ["not an identity"], want: undefined }],
  ];
  for (const [name, { given, want }] of table)
    it(name, () => {
      const found = assertedIdentity(given);
      assert.deepEqual(
        found
          ? { uri: found.uri.toString(), ...(found.displayName ? { name: found.displayName } : {}) }
          : undefined,
        want,
      );
    });
});
