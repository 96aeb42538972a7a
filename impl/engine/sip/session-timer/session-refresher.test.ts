import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { SessionRefresher } from "./session-refresher.ts";

describe("SessionRefresher (RFC 4028 §10) on a fake clock", () => {
  let calls: string[];
  let refresher: SessionRefresher;
  beforeEach(() => {
    mock.timers.enable({ apis: ["setTimeout"] });
    calls = [];
    refresher = new SessionRefresher({
      refresh: () => calls.push("refresh"),
      expired: () => calls.push("expired"),
    });
  });
  afterEach(() => {
    refresher.stop();
    mock.timers.reset();
  });

  it("refreshes at half the interval when this side is the refresher (refresher=uac, we were the UAC)", () => {
    refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uac");
    assert.deepEqual(refresher.interval, { deltaSec: 90, weRefresh: true });
    mock.timers.tick(44_999);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, ["refresh"]);
  });

  it("expires 30 s before the end of a 90 s interval (one third) when the peer refreshes and does not", () => {
    refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uas");
    assert.deepEqual(refresher.interval, { deltaSec: 90, weRefresh: false });
    mock.timers.tick(59_999);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, ["expired"]);
  });

  it("expires 32 s before the end of a 1800 s interval", () => {
    refresher.negotiated({ deltaSec: 1800, refresher: "uas" }, "uac");
    mock.timers.tick(1_767_999);
    assert.deepEqual(calls, []);
    mock.timers.tick(1);
    assert.deepEqual(calls, ["expired"]);
  });

  it("starts the interval again on each refresh, so a refreshed session does not expire", () => {
    refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uas");
    mock.timers.tick(50_000);
    refresher.restart();
    mock.timers.tick(50_000);
    assert.deepEqual(calls, []);
    mock.timers.tick(10_000);
    assert.deepEqual(calls, ["expired"]);
  });

  it("takes refresher=uac as the default when the 2xx names none", () => {
    refresher.negotiated({ deltaSec: 120, refresher: undefined }, "uac");
    assert.equal(refresher.interval?.weRefresh, true);
  });

  it("runs no timer when the 2xx had no Session-Expires", () => {
    refresher.negotiated({ deltaSec: 90, refresher: "uac" }, "uac");
    refresher.negotiated(undefined, "uac");
    assert.equal(refresher.interval, undefined);
    mock.timers.tick(10_000_000);
    assert.deepEqual(calls, []);
  });

  it("raises the interval to a 422's Min-SE and names the refresher in request headers (RFC 4028 §7.4)", () => {
    refresher.negotiated({ deltaSec: 90, refresher: "uas" }, "uas");
    refresher.raiseTo(300);
    assert.deepEqual(refresher.requestHeaders(90), ["Session-Expires: 300;refresher=uac", "Min-SE: 300"]);
    refresher.negotiated({ deltaSec: 600, refresher: "uac" }, "uas");
    assert.deepEqual(refresher.requestHeaders(90), ["Session-Expires: 600;refresher=uas", "Min-SE: 300"]);
  });

  it("compresses every delay by its scale (the lab hook)", () => {
    const fast = new SessionRefresher({ refresh: () => calls.push("fast"), expired: () => undefined }, 0.02);
    fast.negotiated({ deltaSec: 90, refresher: "uac" }, "uac");
    mock.timers.tick(900);
    assert.deepEqual(calls, ["fast"]);
    fast.stop();
  });
});
