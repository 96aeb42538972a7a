import assert from "node:assert/strict";
import { describe, it } from "node:test";
import pino from "pino";
import { type TakeOverOptions, takeOver } from "./take-over.ts";

/** A takeover whose registration service answers `outcomes` in turn (then the last one again). */
function options(outcomes: readonly ("restored" | "gone" | "retry" | "ended")[]) {
  const asked: string[] = [];
  const registrations = {
    async restore(registrationId: string) {
      asked.push(registrationId);
      return outcomes[Math.min(asked.length, outcomes.length) - 1];
    },
  };
  const o = {
    store: {},
    registrations,
    calls: {},
    engine: {},
    newCorrelator: () => "c",
    logger: pino({ level: "silent" }),
    retryMs: 1,
  } as unknown as TakeOverOptions;
  return { o, asked };
}

describe("taking a dead node's registration over", () => {
  it("looks again at a registration not stored yet: the dead node may have been committing it", async () => {
    const { o, asked } = options(["gone", "restored"]);
    assert.equal(await takeOver(o, { kind: "registration", resourceId: "r-1" }), "restored");
    assert.deepEqual(asked, ["r-1", "r-1"]);
  });

  it("leaves a registration that is still not there the second time", async () => {
    const { o, asked } = options(["gone", "gone"]);
    assert.equal(await takeOver(o, { kind: "registration", resourceId: "r-2" }), "gone");
    assert.equal(asked.length, 2);
  });

  it("restores at once a registration that is there, and gives up after five attempts without a network", async () => {
    const restored = options(["restored"]);
    assert.equal(await takeOver(restored.o, { kind: "registration", resourceId: "r-3" }), "restored");
    assert.equal(restored.asked.length, 1);
    const unreachable = options(["retry"]);
    assert.equal(await takeOver(unreachable.o, { kind: "registration", resourceId: "r-4" }), "retry");
    assert.equal(unreachable.asked.length, 5);
  });
});
