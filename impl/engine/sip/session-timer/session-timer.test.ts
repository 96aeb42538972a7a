import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  expireAfterMs,
  parseSessionExpires,
  refreshAfterMs,
  type UasSessionTimer,
  uasSessionTimer,
} from "./session-timer.ts";

describe("session timers (RFC 4028)", () => {
  const table: Array<[string, { given: string | undefined; want: ReturnType<typeof parseSessionExpires> }]> =
    [
      [
        "a delta with refresher=uac",
        { given: "1800;refresher=uac", want: { deltaSec: 1800, refresher: "uac" } },
      ],
      [
        "a delta with refresher=UAS",
        { given: "90 ; refresher=UAS", want: { deltaSec: 90, refresher: "uas" } },
      ],
      ["a delta alone", { given: "600", want: { deltaSec: 600, refresher: undefined } }],
      ["no header", { given: undefined, want: undefined }],
      ["garbage", { given: "soon", want: undefined }],
    ];
  for (const [name, { given, want }] of table)
    it(`parses ${name}`, () => assert.deepEqual(parseSessionExpires(given), want));

  it("refreshes at half the interval and gives up 32 s (or a third) before it ends", () => {
    assert.equal(refreshAfterMs(1800), 900_000);
    assert.equal(expireAfterMs(1800), 1_768_000);
    assert.equal(expireAfterMs(90), 60_000);
  });

  type Given = Parameters<typeof uasSessionTimer>;
  const uas: Array<[string, { given: Given; want: UasSessionTimer }]> = [
    [
      "refuses 60 s with 422 and the 90 s floor",
      {
        given: [{ sessionExpires: "60", supportsTimer: true }, { minSeSec: 90 }],
        want: { reject: 422, minSeSec: 90 },
      },
    ],
    [
      "refuses below a configured Min-SE of 300 s",
      {
        given: [{ sessionExpires: "200", supportsTimer: true }, { minSeSec: 300 }],
        want: { reject: 422, minSeSec: 300 },
      },
    ],
    [
      "echoes the refresher the UAC asked for, and requires timer",
      {
        given: [{ sessionExpires: "90;refresher=uas", supportsTimer: true }, { minSeSec: 90 }],
        want: {
          deltaSec: 90,
          refresher: "uas",
          headers: ["Session-Expires: 90;refresher=uas", "Require: timer"],
        },
      },
    ],
    [
      "picks uac when a timer-capable UAC names no refresher",
      {
        given: [{ sessionExpires: "1800", supportsTimer: true }, { minSeSec: 90 }],
        want: {
          deltaSec: 1800,
          refresher: "uac",
          headers: ["Session-Expires: 1800;refresher=uac", "Require: timer"],
        },
      },
    ],
    [
      "refreshes itself (uas), without Require, when the UAC does not support timers",
      {
        given: [{ sessionExpires: "1800", supportsTimer: false }, { minSeSec: 90 }],
        want: { deltaSec: 1800, refresher: "uas", headers: ["Session-Expires: 1800;refresher=uas"] },
      },
    ],
    [
      "runs no timer for an INVITE without Session-Expires",
      { given: [{ sessionExpires: undefined, supportsTimer: true }, { minSeSec: 90 }], want: undefined },
    ],
    [
      "keeps a running timer alive, refreshing itself, on a refresh without Session-Expires",
      {
        given: [
          { sessionExpires: undefined, supportsTimer: false },
          { minSeSec: 90, currentSec: 600 },
        ],
        want: { deltaSec: 600, refresher: "uas", headers: ["Session-Expires: 600;refresher=uas"] },
      },
    ],
  ];
  for (const [name, { given, want }] of uas)
    it(`as UAS ${name} (RFC 4028 §9)`, () => assert.deepEqual(uasSessionTimer(...given), want));
});
