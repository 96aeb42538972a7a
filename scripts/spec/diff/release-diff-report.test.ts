import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { releaseNames } from "../../codegen/release-config.ts";
import { DEFINITIONS_DIR } from "../lint/lint-inputs.ts";
import { releaseDiffPath, renderReleaseDiff } from "./release-diff-report.ts";

const releases = releaseNames(DEFINITIONS_DIR);

for (const [i, to] of releases.entries()) {
  const from = releases[i - 1];
  if (!from) continue;
  describe(`docs/spec-diff-${from}-${to}.md`, () => {
    it("is current (npm run spec:report regenerates it)", async () => {
      const committed = readFileSync(releaseDiffPath(from, to), "utf8");
      assert.equal(committed, await renderReleaseDiff(from, to), "run npm run spec:report");
    });
  });
}

describe("docs/spec-diff-r2.2-r3.1-rc.1.md", () => {
  const report = () => readFileSync(releaseDiffPath("r2.2", "r3.1-rc.1"), "utf8");
  const rowOf = (where: string, change: string) =>
    report()
      .split("\n")
      .find((l) => l.startsWith(`| ${where} | `) && l.includes(change));

  /** [where, change, class section it must be listed under] */
  const expected: [string, string, string][] = [
    ["POST /sessions", "success status changed from 200 to 201", "success-status-changed"],
    ["components.schemas", "schema regSessionRequest renamed to RegSessionRequest", "schema-renamed"],
    ["components.schemas", "schema WrtcSDPDescriptor renamed to WrtcSdpDescriptor", "schema-renamed"],
    [
      "POST /subscriptions",
      "response 201 (application/json): config.subscriptionDetail.registrationId: required property removed",
      "response-required-property-removed",
    ],
    [
      "POST /sessions",
      "request body (application/json): receiverAddress: property became required",
      "request-property-became-required",
    ],
    [
      "PUT /sessions/{mediaSessionId}/status",
      "request body (application/json): status: property became required",
      "request-property-became-required",
    ],
    [
      "GET /sessions/{mediaSessionId}",
      "clientCorrelator: optional property removed",
      "response-property-removed",
    ],
    [
      "PUT /subscriptions/{subscriptionId}",
      "operation updateNotificationChannelSubscription added",
      "operation-added",
    ],
    ["POST /sessions", "receiverAddress: pattern widened", "request-constraint-loosened"],
  ];
  for (const [where, change, kind] of expected) {
    it(`lists ${where}: ${change}`, () => {
      const row = rowOf(where, change);
      assert.ok(row, `no row for ${where} ${change}`);
      assert.ok(row.endsWith(`| ${kind} |`), row);
    });
  }

  it("classes a server base path change as breaking, one per API", () => {
    for (const api of ["webrtc-registration", "webrtc-call-handling", "webrtc-events"]) {
      assert.match(
        report(),
        new RegExp(
          `\\| servers \\| server base path changed from /${api}/v0\\.\\d to /${api}/v0\\.\\drc1 \\| base-path-changed \\|`,
        ),
      );
    }
  });
});
