import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mapBasePath, parseBasePathRule } from "./base-path-map.ts";

const served: Record<string, string> = {
  "webrtc-events": "/webrtc-events/v0.2",
  "webrtc-registration": "/webrtc-registration/v0.3",
};
const map = (path: string, ...rules: string[]) =>
  mapBasePath(path, rules.map(parseBasePathRule), (api) => served[api]);

describe("--base-path rules", () => {
  const cases: [string, { rules: string[]; given: string; want: string }][] = [
    [
      "a segment, in every API",
      {
        rules: ["vwip=v0.3"],
        given: "/webrtc-registration/vwip/sessions/{id}",
        want: "/webrtc-registration/v0.3/sessions/{id}",
      },
    ],
    [
      "a prefix",
      {
        rules: ["/webrtc-events/vwip=/webrtc-events/v0.2"],
        given: "/webrtc-events/vwip/subscriptions",
        want: "/webrtc-events/v0.2/subscriptions",
      },
    ],
    [
      "a prefix leaves other APIs alone",
      {
        rules: ["/webrtc-events/vwip=/webrtc-events/v0.2"],
        given: "/webrtc-registration/vwip/sessions",
        want: "/webrtc-registration/vwip/sessions",
      },
    ],
    [
      "the served version of each API",
      {
        rules: ["vwip"],
        given: "/webrtc-events/vwip/subscriptions/{subscriptionId}",
        want: "/webrtc-events/v0.2/subscriptions/{subscriptionId}",
      },
    ],
    [
      "the served version, spelled out",
      {
        rules: ["vwip=served"],
        given: "/webrtc-registration/vwip/sessions",
        want: "/webrtc-registration/v0.3/sessions",
      },
    ],
    [
      "a path without the segment",
      {
        rules: ["vwip"],
        given: "/webrtc-events/v0.2/subscriptions",
        want: "/webrtc-events/v0.2/subscriptions",
      },
    ],
    [
      "the first rule that applies",
      {
        rules: ["/webrtc-events/vwip=/webrtc-events/v0.1", "vwip"],
        given: "/webrtc-events/vwip",
        want: "/webrtc-events/v0.1",
      },
    ],
  ];
  for (const [name, { rules, given, want }] of cases) {
    it(`maps ${name}`, () => assert.equal(map(given, ...rules), want));
  }

  it("refuses a rule that is not FROM=TO or FROM", () => {
    assert.throws(() => parseBasePathRule("=v0.3"), /write FROM=TO/);
    assert.throws(() => parseBasePathRule("a=b=c"), /write FROM=TO/);
  });
});
