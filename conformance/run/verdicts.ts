import type { Envelope, GherkinDocument } from "@cucumber/messages";
import { DEFECT_PASSED, defectOf, type KnownDefect } from "./known-defects.ts";

/** What the report says of one scenario. */
export type Verdict =
  | "passed"
  | "failed"
  | "undefined"
  | "ambiguous"
  | "pending"
  | "skipped"
  | "upstream defect"
  | "upstream defect (failed)"
  | "upstream defect (passed)";

export interface ScenarioVerdict {
  readonly uri: string;
  /** The Feature's name (JUnit's testcase classname). */
  readonly feature: string;
  readonly line: number;
  readonly name: string;
  readonly tags: readonly string[];
  readonly verdict: Verdict;
  /** True when this scenario makes the run fail. */
  readonly failing: boolean;
  /** The first failure message, or for a defect what was observed. */
  readonly detail: string;
  readonly defect: KnownDefect | undefined;
}

/** Cucumber's step statuses, least to most severe (its own "worst result" order). */
const SEVERITY = ["UNKNOWN", "PASSED", "SKIPPED", "PENDING", "UNDEFINED", "AMBIGUOUS", "FAILED"];

/**
 * Collects a run's messages and turns each executed scenario into a verdict:
 * - a scenario passes only when every step passed;
 * - a listed upstream defect that failed as listed is "upstream defect" and does not fail the run;
 *   one that failed otherwise is "failed" (its message says it was listed); one that passed is
 *   "upstream defect (passed)". With `strict` it fails like any scenario when its steps fail.
 *   Undefined or ambiguous steps fail always.
 */
export class VerdictCollector {
  private readonly documents = new Map<string, GherkinDocument>();
  private readonly pickles = new Map<
    string,
    { uri: string; name: string; tags: string[]; astNodeIds: string[] }
  >();
  private readonly testCases = new Map<string, string>();
  private readonly started = new Map<string, string>();
  private readonly worst = new Map<string, { status: string; message: string }>();
  private readonly finished: string[] = [];
  /** The defect note a scenario attached (with what actually happened). */
  private readonly notes = new Map<string, string>();

  constructor(
    private readonly defects: readonly KnownDefect[],
    private readonly strict: boolean,
  ) {}

  readonly onMessage = (envelope: Envelope): void => {
    if (envelope.gherkinDocument?.uri)
      this.documents.set(envelope.gherkinDocument.uri, envelope.gherkinDocument);
    const attachment = envelope.attachment;
    if (attachment?.testCaseStartedId) {
      const body =
        String(attachment.contentEncoding) === "BASE64"
          ? Buffer.from(attachment.body, "base64").toString("utf8")
          : attachment.body;
      if (body.startsWith("Upstream defect")) this.notes.set(attachment.testCaseStartedId, body);
    }
    if (envelope.pickle) {
      const { id, uri, name, tags, astNodeIds } = envelope.pickle;
      this.pickles.set(id, { uri, name, tags: tags.map((t) => t.name), astNodeIds: [...astNodeIds] });
    }
    if (envelope.testCase) this.testCases.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted)
      this.started.set(envelope.testCaseStarted.id, envelope.testCaseStarted.testCaseId);
    if (envelope.testStepFinished) {
      const { testCaseStartedId, testStepResult } = envelope.testStepFinished;
      const current = this.worst.get(testCaseStartedId) ?? { status: "PASSED", message: "" };
      const status = String(testStepResult.status);
      if (SEVERITY.indexOf(status) > SEVERITY.indexOf(current.status)) {
        this.worst.set(testCaseStartedId, {
          status,
          // exception.message is the error's own sentence; `message` may be only an assertion diff.
          message: testStepResult.exception?.message ?? testStepResult.message ?? status.toLowerCase(),
        });
      } else this.worst.set(testCaseStartedId, current);
    }
    if (envelope.testCaseFinished && !envelope.testCaseFinished.willBeRetried) {
      this.finished.push(envelope.testCaseFinished.testCaseStartedId);
    }
  };

  /** Every parsed scenario (selected or not), for reporting what a tag filter left out. */
  allScenarios(): { uri: string; name: string; tags: readonly string[] }[] {
    return [...this.pickles.values()];
  }

  verdicts(): ScenarioVerdict[] {
    return this.finished.map((startedId) => {
      const pickleId = this.testCases.get(this.started.get(startedId) ?? "") ?? "";
      const pickle = this.pickles.get(pickleId) ?? { uri: "?", name: "?", tags: [], astNodeIds: [] };
      const { status, message } = this.worst.get(startedId) ?? { status: "PASSED", message: "" };
      const defect = defectOf(this.defects, pickle);
      const note = this.notes.get(startedId);
      const broken = status === "UNDEFINED" || status === "AMBIGUOUS";
      const failed = status === "FAILED";
      let verdict: Verdict;
      let failing: boolean;
      if (defect && !broken && this.strict) {
        verdict = failed ? "upstream defect (failed)" : "upstream defect (passed)";
        failing = failed;
      } else if (defect && !broken && !failed) {
        verdict = note?.startsWith(DEFECT_PASSED) ? "upstream defect (passed)" : "upstream defect";
        failing = false;
      } else {
        verdict = status.toLowerCase() as Verdict;
        failing = status !== "PASSED";
      }
      const observed = note?.split("\n").slice(1).join(" ") ?? "";
      return {
        uri: pickle.uri,
        feature: this.documents.get(pickle.uri)?.feature?.name ?? "",
        line: this.line(pickle.uri, pickle.astNodeIds.at(-1)),
        name: pickle.name,
        tags: pickle.tags,
        verdict,
        failing,
        detail: defect && !broken && !failed && !this.strict ? firstLine(observed) : firstLine(message),
        defect,
      };
    });
  }

  private line(uri: string, astNodeId: string | undefined): number {
    const feature = this.documents.get(uri)?.feature;
    const children = feature?.children.flatMap((c) => (c.rule ? c.rule.children : [c])) ?? [];
    for (const { scenario } of children) {
      if (!scenario) continue;
      if (scenario.id === astNodeId) return scenario.location.line;
      for (const example of scenario.examples) {
        const row = example.tableBody.find((r) => r.id === astNodeId);
        if (row) return row.location.line;
      }
    }
    return 0;
  }
}

/** The gist of a failure message: without the error class prefix and the stack, on one line. */
function firstLine(message: string): string {
  const text = message
    .split("\n")
    .filter((l) => !/^\s+at\s/.test(l))
    .join(" ")
    .replace(/^\s*\w*Error(?: \[\w+\])?:?\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
