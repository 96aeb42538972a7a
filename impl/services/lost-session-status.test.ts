import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SessionStatus } from "../engine/engine.ts";
import { lostSessionStatus } from "./lost-session-status.ts";

describe("lostSessionStatus", () => {
  const cases: [string, { given: ["originating" | "terminating", SessionStatus]; want: SessionStatus }][] = [
    ["an outgoing call not yet answered", { given: ["originating", "Initial"], want: "Failed" }],
    ["an outgoing call ringing", { given: ["originating", "Ringing"], want: "Failed" }],
    ["an outgoing call in early media", { given: ["originating", "InProgress"], want: "Failed" }],
    ["an incoming call offered to the device", { given: ["terminating", "Initial"], want: "Failed" }],
    ["an incoming call the device rings for", { given: ["terminating", "Ringing"], want: "Failed" }],
    ["a connected call", { given: ["originating", "Connected"], want: "Terminated" }],
    ["a call on hold", { given: ["terminating", "Hold"], want: "Terminated" }],
    ["a resumed call", { given: ["originating", "Resume"], want: "Terminated" }],
  ];
  for (const [name, { given, want }] of cases)
    it(`ends ${name} (${given[1]}) as ${want}`, () => {
      const [direction, status] = given;
      const ended = lostSessionStatus({ mediaSessionId: "m", registrationId: "r", direction, status });
      assert.equal(ended.status, want);
      assert.match(ended.reason, /^The gateway restarted/);
    });
});
