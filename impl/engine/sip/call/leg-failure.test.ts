import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EngineError, type EngineFailure } from "../../engine-error.ts";
import { engineErrorOf, reasonFor, type SipRefusal, sipRefusalFor } from "./leg-failure.ts";

describe("sipRefusalFor: how a failure refuses an offer from the network", () => {
  const table: Array<[EngineFailure, SipRefusal]> = [
    ["invalid_sdp", { code: 488, reasonPhrase: "Not Acceptable Here", headers: [] }],
    ["overloaded", { code: 503, reasonPhrase: "Service Unavailable", headers: ["Retry-After: 5"] }],
    [
      "network_unreachable",
      { code: 500, reasonPhrase: "Server Internal Error", headers: ["Retry-After: 5"] },
    ],
    ["network_timeout", { code: 500, reasonPhrase: "Server Internal Error", headers: ["Retry-After: 5"] }],
    ["network_rejected", { code: 500, reasonPhrase: "Server Internal Error", headers: [] }],
    ["unknown_session", { code: 500, reasonPhrase: "Server Internal Error", headers: [] }],
    ["invalid_state", { code: 500, reasonPhrase: "Server Internal Error", headers: [] }],
    ["glare", { code: 500, reasonPhrase: "Server Internal Error", headers: [] }],
  ];
  for (const [failure, want] of table)
    it(`refuses ${failure} with ${want.code}${want.headers.length ? " and Retry-After" : ""}`, () => {
      assert.deepEqual(sipRefusalFor(failure), want);
    });
});

describe("engineErrorOf and reasonFor", () => {
  it("keeps an EngineError as it is", () => {
    const error = new EngineError("invalid_sdp", "rtpengine: parse SDP");
    assert.equal(engineErrorOf(error, "Anchoring"), error);
  });

  it("turns any other failure into network_rejected, keeping what failed and the cause", () => {
    const cause = new Error("socket hang up");
    const error = engineErrorOf(cause, "Anchoring the offer");
    assert.equal(error.failure, "network_rejected");
    assert.equal(error.message, "Anchoring the offer failed: socket hang up");
    assert.equal(error.cause, cause);
  });

  it("writes an RFC 3326 Reason value without quotes in its text", () => {
    assert.equal(
      reasonFor(sipRefusalFor("invalid_sdp"), 'The "offer" failed'),
      'SIP;cause=488;text="The offer failed"',
    );
  });
});
