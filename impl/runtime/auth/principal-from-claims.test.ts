import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuthError, type Principal } from "./principal.ts";
import { principalFromClaims, toE164 } from "./principal-from-claims.ts";

const base = { sub: "user-1", exp: 1_700_000_000 };

const cases: [string, { given: Record<string, unknown>; phoneNumberClaim?: string; want: Principal }][] = [
  [
    "scope as a space-separated string, phone_number and client_id",
    {
      given: { ...base, scope: "a:read  b:write", phone_number: "+34600000001", client_id: "app" },
      want: {
        subject: "user-1",
        clientId: "app",
        phoneNumber: "+34600000001",
        scopes: new Set(["a:read", "b:write"]),
        expiresAtMs: 1_700_000_000_000,
      },
    },
  ],
  [
    "scp as an array and azp as the client",
    {
      given: { ...base, scp: ["a:read", 7, "b:write"], azp: "spa" },
      want: {
        subject: "user-1",
        clientId: "spa",
        phoneNumber: undefined,
        scopes: new Set(["a:read", "b:write"]),
        expiresAtMs: 1_700_000_000_000,
      },
    },
  ],
  [
    "a tel: URI in a custom claim",
    {
      given: { ...base, msisdn: "tel:+447700900123" },
      phoneNumberClaim: "msisdn",
      want: {
        subject: "user-1",
        clientId: undefined,
        phoneNumber: "+447700900123",
        scopes: new Set(),
        expiresAtMs: 1_700_000_000_000,
      },
    },
  ],
  [
    "no sub: the client is the subject (RFC 9068 §2.2)",
    {
      given: { client_id: "machine" },
      want: {
        subject: "machine",
        clientId: "machine",
        phoneNumber: undefined,
        scopes: new Set(),
        expiresAtMs: undefined,
      },
    },
  ],
];

describe("principalFromClaims", () => {
  for (const [name, { given, phoneNumberClaim, want }] of cases) {
    it(`maps ${name}`, () => {
      assert.deepEqual(principalFromClaims(given, { phoneNumberClaim }), want);
    });
  }

  it("refuses claims that name neither a subject nor a client as malformed", () => {
    assert.throws(
      () => principalFromClaims({ scope: "a" }),
      (error) => error instanceof AuthError && error.reason === "malformed",
    );
  });
});

describe("toE164", () => {
  const table: [unknown, string | undefined][] = [
    ["+34600000001", "+34600000001"],
    ["tel:+34600000001", "+34600000001"],
    ["+12345", "+12345"],
    ["+1234", undefined],
    ["+1234567890123456", undefined],
    ["+0123456789", undefined],
    ["34600000001", undefined],
    ["+34 600 000 001", undefined],
    ["tel:34600000001", undefined],
    [34600000001, undefined],
  ];
  for (const [given, want] of table) {
    it(`accepts ${JSON.stringify(given)} as ${want ?? "no phone number"}`, () => {
      assert.equal(toE164(given), want);
    });
  }
});
