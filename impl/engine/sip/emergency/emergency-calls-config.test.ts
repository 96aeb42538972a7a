import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, readConfig } from "../../../config/config.ts";
import { readEmergencyCallsConfig } from "./emergency-calls-config.ts";

const SIP = { ENGINE: "sip", SIP_REGISTRATION_MODE: "trunk", SIP_OUTBOUND_PROXY: "sip:10.0.0.5:5060" };

describe("EMERGENCY_CALLS configuration", () => {
  const cases: Array<[string, { given: string | undefined; want: boolean }]> = [
    ["unset", { given: undefined, want: true }],
    ["on", { given: "on", want: true }],
    ["off", { given: "off", want: false }],
    ["OFF with spaces", { given: " OFF ", want: false }],
  ];
  for (const [name, { given, want }] of cases)
    it(`reads ${name} as ${want ? "on" : "off"}`, () => {
      const problems: string[] = [];
      assert.equal(
        readEmergencyCallsConfig(given === undefined ? {} : { EMERGENCY_CALLS: given }, problems),
        want,
      );
      assert.deepEqual(problems, []);
    });

  it("stops start-up on any other value, naming the variable and the choices", () => {
    assert.throws(
      () => readConfig({ ...SIP, EMERGENCY_CALLS: "yes" }),
      (e: unknown) =>
        e instanceof ConfigError && e.problems.includes("EMERGENCY_CALLS=yes must be on or off."),
    );
  });

  it("hands the SIP engine's configuration the setting", () => {
    assert.equal(readConfig({ ...SIP, EMERGENCY_CALLS: "off" }).sip?.emergencyCalls, false);
    assert.equal(readConfig(SIP).sip?.emergencyCalls, true);
  });
});
