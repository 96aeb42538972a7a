import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadContract } from "./contract.ts";

const contract = loadContract();

describe("the contract from generated/", () => {
  it("matches a concrete path to its operation and path parameters", () => {
    const m = contract.match("DELETE", "/webrtc-events/v0.2/subscriptions/abc");
    assert.equal(m?.operation.operationId, "deleteNotificationChannelSubscription");
    assert.deepEqual(m?.pathParams, { subscriptionId: "abc" });
  });

  it("matches an empty path segment as an empty parameter of the by-id operation", () => {
    const m = contract.match("PUT", "/webrtc-call-handling/v0.3/sessions//status");
    assert.equal(m?.operation.operationId, "updateSessionStatus");
    assert.deepEqual(m?.pathParams, { mediaSessionId: "" });
  });

  it("matches no operation for a path no API defines", () => {
    assert.equal(contract.match("POST", "/webrtc-events/v0.2/sessions"), undefined);
    assert.equal(contract.apiOfPath("/webrtc-events/v0.2/sessions")?.name, "webrtc-events");
    assert.equal(contract.apiOfPath("/other/v1"), undefined);
  });

  it("names the known operations when an operationId is unknown", () => {
    assert.throws(
      () => contract.operation("deleteSession"),
      /No operation "deleteSession".*deleteSessionById/,
    );
  });
});
