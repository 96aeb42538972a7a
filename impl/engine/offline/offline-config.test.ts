import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EnvReader } from "../../env/env-reader.ts";
import { readOfflineConfig } from "./offline-config.ts";
import { createOfflineEngine } from "./offline-engine.ts";

const listener = { sessionChanged: async () => undefined } as unknown as Parameters<
  typeof createOfflineEngine
>[0];

describe("the offline engine's EMERGENCY_CALLS", () => {
  for (const [name, { env, want }] of [
    ["places emergency calls by default", { env: {}, want: true }],
    ["places them with EMERGENCY_CALLS=on", { env: { EMERGENCY_CALLS: "on" }, want: true }],
    ["places none with EMERGENCY_CALLS=off", { env: { EMERGENCY_CALLS: "off" }, want: false }],
  ] as const) {
    it(name, () => {
      const config = readOfflineConfig(new EnvReader(env));
      assert.equal(config.emergencyCalls, want);
      assert.equal(createOfflineEngine(listener, config).emergencyCalls, want);
    });
  }

  it("names the variable of a value that is neither on nor off", () => {
    const r = new EnvReader({ EMERGENCY_CALLS: "maybe" });
    readOfflineConfig(r);
    assert.deepEqual(r.problems, ["EMERGENCY_CALLS=maybe must be on or off."]);
  });
});
