import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { TERMINAL_STATUSES } from "./terminal-statuses.ts";

const spec = JSON.parse(
  readFileSync(new URL("../../generated/r2.2/webrtc-call-handling/openapi.json", import.meta.url), "utf8"),
) as { components: { schemas: { SessionStatus: { enum: string[] } } } };

/** Every SessionStatus of the spec, terminal or not: a new status fails here until it is placed. */
const TERMINAL: Record<string, boolean> = {
  Initial: false,
  InProgress: false,
  Ringing: false,
  Proceeding: false,
  Connected: false,
  Terminated: true,
  Hold: false,
  Resume: false,
  SessionCancelled: true,
  Declined: true,
  Failed: true,
  Waiting: false,
  NoAnswer: true,
  NotReachable: true,
  Busy: true,
};

describe("TERMINAL_STATUSES", () => {
  it("places every SessionStatus of the spec", () => {
    assert.deepEqual([...spec.components.schemas.SessionStatus.enum].sort(), Object.keys(TERMINAL).sort());
  });
  for (const [status, terminal] of Object.entries(TERMINAL))
    it(`${terminal ? "ends" : "does not end"} a session at ${status}`, () =>
      assert.equal(TERMINAL_STATUSES.has(status as never), terminal));
});
