import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SessionStatus } from "../engine/engine.ts";
import { checkTransition, type Direction } from "./session-transitions.ts";

type Row = [Direction, SessionStatus, SessionStatus, boolean, "ok" | "invalid" | "conflict", "answer"?];

describe("checkTransition", () => {
  const table: Row[] = [
    ["terminating", "Initial", "InProgress", false, "ok"],
    ["terminating", "Initial", "Ringing", false, "ok"],
    ["terminating", "Ringing", "Connected", false, "ok"],
    ["terminating", "InProgress", "Connected", false, "ok"],
    ["originating", "Ringing", "Connected", false, "conflict"],
    ["originating", "InProgress", "InProgress", true, "ok"],
    ["originating", "Initial", "Hold", false, "conflict"],
    ["originating", "Connected", "Hold", false, "ok"],
    ["terminating", "Connected", "Hold", false, "ok"],
    ["originating", "Hold", "Hold", false, "conflict"],
    ["originating", "Hold", "Resume", false, "ok"],
    ["originating", "Connected", "Resume", false, "conflict"],
    ["originating", "Resume", "Hold", false, "ok"],
    ["originating", "Connected", "Connected", true, "ok"],
    ["originating", "Connected", "Connected", false, "conflict"],
    ["originating", "Connected", "Terminated", false, "invalid"],
    ["terminating", "Initial", "Declined", false, "invalid"],
    ["originating", "Connected", "Initial", false, "invalid"],
    ["originating", "Ringing", "Proceeding", false, "invalid"],
    ["originating", "Terminated", "Connected", true, "conflict"],
    ["terminating", "Busy", "Ringing", false, "conflict"],
    ["originating", "InProgress", "InProgress", false, "ok", "answer"],
    ["originating", "Ringing", "Ringing", false, "ok", "answer"],
    ["originating", "Connected", "Connected", false, "ok", "answer"],
    ["originating", "InProgress", "Connected", false, "conflict", "answer"],
    ["originating", "Hold", "Hold", false, "conflict", "answer"],
    ["terminating", "InProgress", "InProgress", false, "ok", "answer"],
    ["terminating", "Connected", "Connected", false, "conflict", "answer"],
  ];
  for (const [direction, from, to, offer, want, answer] of table) {
    const sdp = offer ? " with an offer" : answer ? " with an answer" : "";
    it(`${direction} ${from} → ${to}${sdp} is ${want}`, () => {
      const result = checkTransition(direction, from, to, offer, answer === "answer");
      assert.equal(result.ok ? "ok" : result.kind, want);
    });
  }
});
