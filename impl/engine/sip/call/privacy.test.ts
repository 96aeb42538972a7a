import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type PrivacyToken, parsePrivacy, withholdsIdentity } from "./privacy.ts";

describe("parsePrivacy (RFC 3323 §4.2 priv-values)", () => {
  const table: Array<[string, { given: string[]; want: PrivacyToken[]; withholds: boolean }]> = [
    ["no Privacy header asks for nothing", { given: [], want: [], withholds: false }],
    ["id asks to withhold the asserted identity", { given: ["id"], want: ["id"], withholds: true }],
    ["tokens are case-insensitive", { given: ["ID"], want: ["id"], withholds: true }],
    [
      "several tokens are separated by ';', with optional whitespace",
      { given: ["header ; ID;user"], want: ["header", "id", "user"], withholds: true },
    ],
    [
      "several Privacy headers add up",
      { given: ["session", "critical; id"], want: ["session", "critical", "id"], withholds: true },
    ],
    ["none asks for no privacy", { given: ["none"], want: ["none"], withholds: false }],
    [
      "a token containing 'id' is not id (the old substring check took 'hidden' for it)",
      { given: ["hidden"], want: [], withholds: false },
    ],
    [
      "an extension token is ignored, the known ones beside it kept",
      { given: ["x-identity;user"], want: ["user"], withholds: false },
    ],
    ["empty values between separators are ignored", { given: [";;user;"], want: ["user"], withholds: false }],
    [
      "header, session and user do not withhold the asserted identity",
      {
        given: ["header;session;user;critical"],
        want: ["header", "session", "user", "critical"],
        withholds: false,
      },
    ],
  ];
  for (const [name, { given, want, withholds }] of table)
    it(name, () => {
      const tokens = parsePrivacy(given);
      assert.deepEqual([...tokens], want);
      assert.equal(withholdsIdentity(tokens), withholds);
    });
});
