import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CallerIdentityDecision, callerIdentity, type UntrustedPaiPolicy } from "./caller-identity.ts";

const PAI = "sip:+34911000099@ims.example";
const FROM = "sip:+34911000002@caller.example";
const REFUSED = {
  refuse: { statusCode: 403, reasonPhrase: "P-Asserted-Identity from outside the trust domain" },
} as const;

describe("callerIdentity (RFC 3325 §9.1 trust domain, RFC 3323 Privacy)", () => {
  const table: Array<
    [
      string,
      {
        given: { pai?: string; privacy?: string[]; trusted: boolean; policy?: UntrustedPaiPolicy };
        want: CallerIdentityDecision<string>;
      },
    ]
  > = [
    [
      "a trusted peer's PAI names the caller",
      { given: { pai: PAI, trusted: true }, want: { identity: PAI, asserted: true } },
    ],
    [
      "a trusted peer without PAI: From names the caller",
      { given: { trusted: true }, want: { identity: FROM, asserted: false } },
    ],
    [
      "a trusted peer's PAI with Privacy: id is withheld, From names the caller",
      { given: { pai: PAI, privacy: ["id"], trusted: true }, want: { identity: FROM, asserted: false } },
    ],
    [
      "a trusted peer's PAI with Privacy: none names the caller",
      { given: { pai: PAI, privacy: ["none"], trusted: true }, want: { identity: PAI, asserted: true } },
    ],
    [
      "a trusted peer's PAI with Privacy: hidden (not a priv-value) names the caller",
      { given: { pai: PAI, privacy: ["hidden"], trusted: true }, want: { identity: PAI, asserted: true } },
    ],
    [
      "an untrusted peer's PAI is stripped (default policy): From names the caller",
      { given: { pai: PAI, trusted: false }, want: { identity: FROM, asserted: false } },
    ],
    [
      "an untrusted peer's PAI is stripped whatever its Privacy says",
      { given: { pai: PAI, privacy: ["none"], trusted: false }, want: { identity: FROM, asserted: false } },
    ],
    [
      "an untrusted peer's PAI is refused with 403 under the refuse policy",
      { given: { pai: PAI, trusted: false, policy: "refuse" }, want: REFUSED },
    ],
    [
      "an untrusted peer without PAI is not refused under the refuse policy",
      { given: { trusted: false, policy: "refuse" }, want: { identity: FROM, asserted: false } },
    ],
  ];
  for (const [name, { given, want }] of table)
    it(name, () => {
      const decision = callerIdentity(
        { pai: given.pai, privacy: given.privacy ?? [], from: FROM },
        given.trusted,
        given.policy ?? "strip",
      );
      assert.deepEqual(decision, want);
    });
});
