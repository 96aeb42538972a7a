import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nextAttemptDelayMs, retryAfterMs, retryDelayMs } from "./retry-delay.ts";

const policy = { baseMs: 1000, maxMs: 30_000, retryAfterMaxMs: 60_000 };

describe("retryDelayMs: exponential back-off with equal jitter", () => {
  const table: [number, number, number][] = [
    // attempt, delay with random()=0, delay with random()=1
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [5, 8000, 16_000],
    [6, 15_000, 30_000],
    [20, 15_000, 30_000],
  ];
  for (const [attempt, low, high] of table) {
    it(`after attempt ${attempt} waits between ${low} and ${high} ms`, () => {
      assert.equal(
        retryDelayMs(attempt, policy, () => 0),
        low,
      );
      assert.equal(
        retryDelayMs(attempt, policy, () => 1),
        high,
      );
    });
  }
});

describe("retryAfterMs: RFC 9110 §10.2.3 delay-seconds or HTTP-date", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  const table: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ["0", 0],
    ["120", 120_000],
    [" 7 ", 7000],
    ["Wed, 01 Jan 2025 00:00:30 GMT", 30_000],
    ["Tue, 31 Dec 2024 23:00:00 GMT", 0],
    ["soon", undefined],
    ["-5", undefined],
  ];
  for (const [header, want] of table) {
    it(`${JSON.stringify(header)} → ${want}`, () => assert.equal(retryAfterMs(header, now), want));
  }
});

describe("nextAttemptDelayMs", () => {
  it("uses the sink's Retry-After when given", () => assert.equal(nextAttemptDelayMs(1, 5000, policy), 5000));
  it("caps Retry-After at retryAfterMaxMs", () =>
    assert.equal(nextAttemptDelayMs(1, 3_600_000, policy), 60_000));
  it("falls back to back-off without Retry-After", () =>
    assert.equal(
      nextAttemptDelayMs(3, undefined, policy, () => 1),
      4000,
    ));
});
