import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { mockFailures, readExpected } from "./mock-failures.ts";
import { PRISM_EXPECTED, runAgainstPrism } from "./prism-expected.ts";
import type { CliRun } from "./run-cli.ts";

/**
 * The spec authors' view: a mock generated from the effective specs (Prism, callbacks stripped)
 * fails exactly the scenarios conformance/prism-expected.yaml lists, for the reasons it gives.
 * A change to the specs, the features or the step library that moves this list shows up here.
 */
describe("camara-conformance against a Prism mock of the specs", () => {
  let run: CliRun;

  before(async () => {
    run = await runAgainstPrism();
  });

  it("fails the run: a spec-derived mock is not a conforming gateway", () => {
    assert.equal(run.status, 1, run.stderr);
  });

  it("fails exactly the scenarios listed in prism-expected.yaml, for the listed reasons", () => {
    assert.deepEqual(mockFailures(run.verdicts), readExpected(PRISM_EXPECTED));
  });

  it("passes the scenarios a schema-faithful mock can pass", () => {
    // Fewer since the coherence checks: Prism's fixed examples (regInfo.phoneNumber +123456789, an
    // expiresAt in 2019) fail the preconditions of most scenarios.
    const passed = run.verdicts.filter((v) => v.verdict === "passed");
    assert.ok(passed.length >= 30, `only ${passed.length} scenarios passed`);
  });
});
