import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError, type EngineFailure } from "../engine-error.ts";
import { NgError, type NgFailure } from "./ng-client.ts";
import { toEngineError } from "./to-engine-error.ts";

describe("toEngineError", () => {
  const cases: [string, { failure: NgFailure; reason: string; want: EngineFailure }][] = [
    [
      "a silent rtpengine is unreachable",
      { failure: "timeout", reason: "did not answer", want: "network_unreachable" },
    ],
    ["a closed client is unreachable", { failure: "closed", reason: "closed", want: "network_unreachable" }],
    [
      "rtpengine's load limit is overload",
      { failure: "load_limit", reason: "load limit", want: "overloaded" },
    ],
    [
      "an undecodable reply is a rejection",
      { failure: "malformed", reason: "bad", want: "network_rejected" },
    ],
    [
      "'Failed to parse SDP' is invalid SDP",
      { failure: "error", reason: "Failed to parse SDP", want: "invalid_sdp" },
    ],
    [
      "'No SDP body in message' is invalid SDP",
      { failure: "error", reason: "No SDP body in message", want: "invalid_sdp" },
    ],
    [
      "'Unknown call-id' is an unknown session",
      { failure: "error", reason: "Unknown call-id", want: "unknown_session" },
    ],
    [
      "any other error is a rejection",
      { failure: "error", reason: "Unrecognized command", want: "network_rejected" },
    ],
  ];
  for (const [name, { failure, reason, want }] of cases) {
    it(name, () => {
      const mapped = toEngineError(new NgError(failure, reason, "offer"), "offer");
      assert.equal(mapped.failure, want);
      assert.equal(mapped.message, `media anchor offer failed (rtpengine offer: ${reason})`);
    });
  }

  it("passes an EngineError through unchanged", () => {
    const original = new EngineError("invalid_sdp", "invalid SDP: x");
    assert.equal(toEngineError(original, "offer"), original);
  });

  it("makes any other error a rejection that keeps its cause", () => {
    const cause = new Error("boom");
    const mapped = toEngineError(cause, "answer");
    assert.equal(mapped.failure, "network_rejected");
    assert.equal(mapped.cause, cause);
  });
});
