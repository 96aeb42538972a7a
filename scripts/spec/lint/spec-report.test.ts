import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { releaseNames } from "../../codegen/release-config.ts";
import type { Finding } from "./finding.ts";
import { findingsOf, KNOWN_DEFECTS, knownDefects } from "./known-defects.ts";
import { lint } from "./lint.ts";
import { runLintCli } from "./lint-cli.ts";
import { DEFINITIONS_DIR, defaultFiles, readEffectiveInputs, readInputs } from "./lint-inputs.ts";
import { DEFAULT_RULESET, R4_RULESET } from "./load-ruleset.ts";
import { rulesetFor } from "./ruleset-for.ts";
import { inEffective, renderSpecReport, specReportPath } from "./spec-report.ts";

const pointersOf = (rule: string, findings: Finding[]) =>
  findings
    .filter((f) => f.rule === rule)
    .map((f) => `${f.file.slice(f.file.lastIndexOf("/") + 1)}#${f.pointer}`);

describe("the vendored r2.2 release", () => {
  let vendored: Finding[];
  let effective: Finding[];
  before(async () => {
    vendored = await lint(readInputs(defaultFiles()));
    effective = await lint(await readEffectiveInputs(defaultFiles()));
  });

  it("shows every known upstream defect", () => {
    for (const defect of KNOWN_DEFECTS) {
      assert.ok(findingsOf(defect, vendored).length > 0, `not found: ${defect.title}`);
    }
  });

  it("reports the spec defects at the nodes to edit", () => {
    assert.deepEqual(pointersOf("camara-pattern-not-format", vendored), [
      "webrtc-registration.yaml#/components/schemas/regSessionRequest/properties/deviceId/pattern",
    ]);
    assert.deepEqual(pointersOf("camara-required-defined", vendored), [
      "webrtc-events.yaml#/components/schemas/EventSessionStatus/allOf/1/required/0",
      "webrtc-events.yaml#/components/schemas/EventSessionStatus/allOf/1/required/1",
    ]);
    assert.deepEqual(pointersOf("camara-operation-id-unique", vendored), [
      "webrtc-events.yaml#/paths/~1subscriptions/post/callbacks/notifications/{$request.body#~1sink}/post/operationId",
    ]);
    assert.deepEqual(pointersOf("camara-example-valid", vendored), [
      "webrtc-events.yaml#/components/examples/REGISTRATION_ENDS_SUBSCRIPTION/value/sinkCredential",
      "webrtc-events.yaml#/components/examples/SESSION_UPDATE/value",
    ]);
    assert.deepEqual(
      pointersOf("camara-example-undeclared-property", vendored).filter((p) =>
        p.includes("exampleSessionStatus"),
      ),
      [
        "webrtc-call-handling.yaml#/components/examples/exampleSessionStatus183InProgress/value/receiverSessionStatus",
        "webrtc-call-handling.yaml#/components/examples/exampleSessionStatus180Ringing/value/receiverSessionStatus",
        "webrtc-call-handling.yaml#/components/examples/exampleSessionStatus200Connected/value/receiverSessionStatus",
        "webrtc-call-handling.yaml#/components/examples/exampleSessionStatusHold/value/ReceiverSessionStatus",
        "webrtc-call-handling.yaml#/components/examples/exampleSessionStatusResume/value/ReceiverSessionStatus",
      ],
    );
  });

  it("no longer shows the spec defects the overlays fix once they are applied (--effective)", () => {
    const specDefects = KNOWN_DEFECTS.filter((d) => d.file.endsWith(".yaml"));
    for (const defect of specDefects) {
      const api = defect.file.replace(/\.yaml$/, "");
      const left = findingsOf({ ...defect, file: `generated/r2.2/${api}/openapi.json` }, effective);
      assert.deepEqual(left, [], defect.title);
    }
    assert.ok(effective.every((f) => !f.file.includes("API_definitions")));
  });

  it("makes npm run spec:lint exit 1", async () => {
    const code = await runLintCli([], { stdout: () => {}, stderr: () => {} });
    assert.equal(code, 1);
  });
});

for (const release of releaseNames(DEFINITIONS_DIR)) {
  describe(`docs/spec-report-${release}.md`, () => {
    it("is current (npm run spec:report regenerates it)", async () => {
      const committed = readFileSync(specReportPath(release), "utf8");
      assert.equal(committed, await renderSpecReport(release), "run npm run spec:report");
    });

    it("finds every known defect of the release", () => {
      const committed = readFileSync(specReportPath(release), "utf8");
      for (const defect of knownDefects(release)) {
        const row = committed
          .split("\n")
          .find((l) => l.includes(`| ${defect.title.replace(/\|/g, "\\|")} |`));
        assert.ok(row, `no row for ${defect.title}`);
        assert.ok(!row.includes("**not found**"), row);
        assert.ok(!row.includes("still reported"), row);
      }
    });
  });
}

describe("the vendored r3.1-rc.1 release", () => {
  const release = "r3.1-rc.1";
  let vendored: Finding[];
  let effective: Finding[];
  before(async () => {
    const files = defaultFiles(DEFINITIONS_DIR, release);
    const ruleset = rulesetFor(release, DEFINITIONS_DIR);
    vendored = await lint(readInputs(files), ruleset);
    effective = await lint(await readEffectiveInputs(files, DEFINITIONS_DIR, release), ruleset);
  });

  it("is judged by the Commonalities r4.x rules its specs declare", () => {
    assert.equal(rulesetFor(release, DEFINITIONS_DIR), R4_RULESET);
    assert.equal(rulesetFor("r2.2", DEFINITIONS_DIR), DEFAULT_RULESET);
  });

  it("reports the spec defects at the nodes the overlays edit", () => {
    assert.deepEqual(pointersOf("camara-operation-id-unique", vendored), [
      "webrtc-events.yaml#/paths/~1subscriptions/post/callbacks/notifications/{$request.body#~1sink}/post/operationId",
    ]);
    assert.deepEqual(pointersOf("camara-required-defined", vendored), [
      "webrtc-events.yaml#/components/schemas/EventSessionStatus/allOf/1/required/0",
      "webrtc-events.yaml#/components/schemas/EventSessionStatus/allOf/1/required/1",
    ]);
    assert.deepEqual(pointersOf("camara-example-valid", vendored), [
      "webrtc-events.yaml#/components/examples/SESSION_UPDATE/value",
    ]);
  });

  it("keeps only the feature defects once the overlays apply", () => {
    assert.deepEqual(
      effective.filter((f) => f.severity === "error").map((f) => f.rule),
      ["camara-feature-path", "camara-feature-schema-pointer", "camara-feature-status"],
    );
    for (const defect of knownDefects(release).filter((d) => /^webrtc-.*\.yaml$/.test(d.file))) {
      assert.deepEqual(findingsOf(inEffective(defect, release), effective), [], defect.title);
    }
  });
});

describe("docs/spec-report-r2.2.md", () => {
  it("names every known defect and where it was found", () => {
    const committed = readFileSync(specReportPath("r2.2"), "utf8");
    for (const defect of KNOWN_DEFECTS) {
      const row = committed.split("\n").find((l) => l.includes(`| ${defect.title.replace(/\|/g, "\\|")} |`));
      assert.ok(row, `no row for ${defect.title}`);
      assert.ok(!row.includes("**not found**"), row);
    }
    for (const text of [
      "pattern: uuid",
      "EventSessionStatus",
      "receiverSessionStatus",
      "createNotificationChannelSubscription",
      "accessTokenExpireUtc",
      "existing-session-id",
      'POST "/sessions" is not a path of webrtc-events',
    ]) {
      assert.ok(committed.includes(text), text);
    }
  });
});
