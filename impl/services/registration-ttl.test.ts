import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "camara-webrtc-runtime";
import { registrationExpiry } from "./registration-ttl.ts";

const policy = { defaultSec: 3600, minSec: 300, maxSec: 86400 };
const tReq = new Date("2026-01-01T00:00:00.000Z");

describe("registrationExpiry", () => {
  const table: [string, { requested: string | undefined; want: string }][] = [
    [
      "applies TTL_cfg from t_req when nothing is requested",
      { requested: undefined, want: "2026-01-01T01:00:00.000Z" },
    ],
    [
      "honours a request inside [min, max]",
      { requested: "2026-01-01T02:00:00.000Z", want: "2026-01-01T02:00:00.000Z" },
    ],
    [
      "honours a request exactly at min",
      { requested: "2026-01-01T00:05:00.000Z", want: "2026-01-01T00:05:00.000Z" },
    ],
    [
      "falls back to TTL_cfg below min",
      { requested: "2026-01-01T00:04:59.000Z", want: "2026-01-01T01:00:00.000Z" },
    ],
    [
      "falls back to TTL_cfg above max",
      { requested: "2026-01-03T00:00:00.000Z", want: "2026-01-01T01:00:00.000Z" },
    ],
    ["reads time zone offsets", { requested: "2026-01-01T03:00:00+02:00", want: "2026-01-01T01:00:00.000Z" }],
  ];
  for (const [name, { requested, want }] of table) {
    it(name, () => assert.equal(registrationExpiry(tReq, requested, policy).toISOString(), want));
  }

  it("refuses a time that is not in the future with 400 OUT_OF_RANGE", () => {
    assert.throws(
      () => registrationExpiry(tReq, "2025-12-31T23:59:59.000Z", policy),
      (e: unknown) => e instanceof ApiError && e.code === "OUT_OF_RANGE",
    );
  });

  describe("with the r3.1 rule (cap)", () => {
    const capped: [string, { requested: string | undefined; want: string }][] = [
      [
        "applies TTL_cfg when nothing is requested",
        { requested: undefined, want: "2026-01-01T01:00:00.000Z" },
      ],
      [
        "honours a request inside [min, max]",
        { requested: "2026-01-01T02:00:00.000Z", want: "2026-01-01T02:00:00.000Z" },
      ],
      [
        "honours a request exactly at min",
        { requested: "2026-01-01T00:05:00.000Z", want: "2026-01-01T00:05:00.000Z" },
      ],
      [
        "caps a request above max at t_req + max",
        { requested: "2026-01-03T00:00:00.000Z", want: "2026-01-02T00:00:00.000Z" },
      ],
    ];
    for (const [name, { requested, want }] of capped) {
      it(name, () => assert.equal(registrationExpiry(tReq, requested, policy, "cap").toISOString(), want));
    }

    it("refuses a request below the operator minimum with 400 OUT_OF_RANGE", () => {
      assert.throws(
        () => registrationExpiry(tReq, "2026-01-01T00:04:59.000Z", policy, "cap"),
        (e: unknown) =>
          e instanceof ApiError &&
          e.code === "OUT_OF_RANGE" &&
          e.message ===
            "registrationExpireTime must be at least 300 s after the request (the operator's minimum).",
      );
    });
  });
});
