import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Envelope } from "@cucumber/messages";
import type { KnownDefect } from "./known-defects.ts";
import { summaryTable } from "./summary-table.ts";
import { VerdictCollector } from "./verdicts.ts";

const DEFECT: KnownDefect = {
  file: "upstream.feature",
  name: "Listed",
  tag: "@upstream_01",
  step: "the response status code is 201",
  assertion: "got 404",
  reason: "posts to the wrong path",
  spec: "x.yaml:1",
};

/** The messages cucumber emits for one scenario whose steps end with `statuses`. */
function scenario(
  id: string,
  tags: string[],
  statuses: string[],
  message = "",
  note?: string,
  uri = "f.feature",
  name = `S${id}`,
): Envelope[] {
  return [
    {
      pickle: {
        id: `p${id}`,
        uri,
        name,
        tags: tags.map((name) => ({ name, astNodeId: "" })),
        astNodeIds: [],
        steps: [],
        language: "en",
      },
    },
    { testCase: { id: `c${id}`, pickleId: `p${id}`, testSteps: [], testRunStartedId: "r" } },
    {
      testCaseStarted: {
        id: `s${id}`,
        testCaseId: `c${id}`,
        attempt: 0,
        timestamp: { seconds: 0, nanos: 0 },
      },
    },
    ...(note
      ? [{ attachment: { testCaseStartedId: `s${id}`, body: note, contentEncoding: "IDENTITY" } } as Envelope]
      : []),
    ...statuses.map(
      (status): Envelope => ({
        testStepFinished: {
          testCaseStartedId: `s${id}`,
          testStepId: "x",
          timestamp: { seconds: 0, nanos: 0 },
          testStepResult: { status: status as never, duration: { seconds: 0, nanos: 0 }, message },
        },
      }),
    ),
    {
      testCaseFinished: {
        testCaseStartedId: `s${id}`,
        timestamp: { seconds: 0, nanos: 0 },
        willBeRetried: false,
      },
    },
  ] as Envelope[];
}

function verdicts(strict: boolean, ...envelopes: Envelope[][]) {
  const collector = new VerdictCollector([DEFECT], strict);
  for (const e of envelopes.flat()) collector.onMessage(e);
  return collector.verdicts().map((v) => [v.name, v.verdict, v.failing]);
}

describe("scenario verdicts", () => {
  it("passes a scenario only when every step passed", () => {
    assert.deepEqual(
      verdicts(
        false,
        scenario("1", [], ["PASSED", "PASSED"]),
        scenario("2", [], ["PASSED", "FAILED", "SKIPPED"], "boom"),
      ),
      [
        ["S1", "passed", false],
        ["S2", "failed", true],
      ],
    );
  });

  it("reports a listed upstream defect as such, never as passed, without failing the run", () => {
    assert.deepEqual(verdicts(false, scenario("1", ["@upstream_01"], ["PASSED", "SKIPPED"])), [
      ["S1", "upstream defect", false],
    ]);
  });

  it("finds a listed scenario by file and name when its tag was renamed upstream", () => {
    assert.deepEqual(
      verdicts(
        false,
        scenario("1", ["@renamed"], ["PASSED", "SKIPPED"], "", undefined, "a/upstream.feature", "Listed"),
      ),
      [["Listed", "upstream defect", false]],
    );
  });

  it("reports a listed scenario that failed elsewhere as failed, and one that passed as such", () => {
    assert.deepEqual(
      verdicts(
        false,
        scenario("1", ["@upstream_01"], ["PASSED", "FAILED"], "Listed as upstream defect …, but failed at …"),
        scenario("2", ["@upstream_01"], ["PASSED", "SKIPPED"], "", "Upstream defect did not show: …\npassed"),
      ),
      [
        ["S1", "failed", true],
        ["S2", "upstream defect (passed)", false],
      ],
    );
  });

  it("fails on a listed defect with --strict when its steps fail", () => {
    assert.deepEqual(
      verdicts(
        true,
        scenario("1", ["@upstream_01"], ["FAILED"]),
        scenario("2", ["@upstream_01"], ["PASSED"]),
      ),
      [
        ["S1", "upstream defect (failed)", true],
        ["S2", "upstream defect (passed)", false],
      ],
    );
  });

  it("fails on undefined and ambiguous steps, listed defect or not", () => {
    assert.deepEqual(
      verdicts(false, scenario("1", ["@upstream_01"], ["UNDEFINED"]), scenario("2", [], ["AMBIGUOUS"])),
      [
        ["S1", "undefined", true],
        ["S2", "ambiguous", true],
      ],
    );
  });

  it("tabulates verdicts and failures in the summary", () => {
    const collector = new VerdictCollector([DEFECT], false);
    for (const e of [
      ...scenario("1", [], ["FAILED"], "AssertionError: expected 201, got 200"),
      ...scenario("2", [], ["PASSED"]),
    ])
      collector.onMessage(e);
    const text = summaryTable({ verdicts: collector.verdicts(), deselected: { sip: 3 }, durationMs: 1500 });
    assert.match(text, /^failed +\| f\.feature:0 +\| +\| S1$/m);
    assert.match(text, /2 scenarios: 1 failed, 1 passed \(1\.5 s\)/);
    assert.match(text, /3 scenarios tagged @sip not selected/);
    assert.match(text, /f\.feature:0 S1: expected 201, got 200/);
  });
});
