import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "camara-webrtc-runtime";
import { EngineError, type EngineFailure } from "../engine/engine-error.ts";
import { toApiError } from "./to-api-error.ts";

describe("toApiError", () => {
  const table: [EngineFailure, { status: number; code: string }][] = [
    ["network_unreachable", { status: 503, code: "UNAVAILABLE" }],
    ["network_timeout", { status: 504, code: "TIMEOUT" }],
    ["network_rejected", { status: 502, code: "BAD_GATEWAY" }],
    ["overloaded", { status: 429, code: "TOO_MANY_REQUESTS" }],
    ["unknown_session", { status: 404, code: "NOT_FOUND" }],
    ["invalid_state", { status: 409, code: "CONFLICT" }],
    ["invalid_sdp", { status: 400, code: "INVALID_ARGUMENT" }],
    ["glare", { status: 409, code: "ABORTED" }],
    ["invalid_location", { status: 400, code: "INVALID_ARGUMENT" }],
    ["not_supported", { status: 501, code: "NOT_IMPLEMENTED" }],
  ];
  for (const [failure, want] of table) {
    it(`maps ${failure} to ${want.status} ${want.code} without leaking the engine message`, () => {
      const mapped = toApiError(new EngineError(failure, "SIP/2.0 503 secret-host.internal"));
      assert.ok(mapped instanceof ApiError);
      assert.equal(mapped.status, want.status);
      assert.equal(mapped.code, want.code);
      assert.doesNotMatch(mapped.message, /secret-host/);
    });
  }

  it("leaves other errors alone", () => {
    const error = new TypeError("x");
    assert.equal(toApiError(error), error);
  });
});
