import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ScenarioVerdict } from "../run/verdicts.ts";

/** One scenario a spec-derived mock fails, and why, in the words of conformance/prism-expected.yaml. */
export interface MockFailure {
  /** `<feature file>:<line>`: the scenario (or Examples row). */
  readonly scenario: string;
  readonly name: string;
  readonly why: string;
}

/**
 * Why a mock generated from the spec alone fails a scenario: what the spec cannot express (state,
 * identity, token checks) or what Prism does differently from CAMARA. The first matching rule wins.
 */
const REASONS: readonly [RegExp, string][] = [
  [/^Listed as upstream defect /, "fails a listed upstream defect before its listed step (a precondition)"],
  [/\[ignored_auth\]/, "does not verify access tokens: any bearer token is accepted"],
  [
    /\[(?:expiry_\w+|token_subscriber_kept|client_values_kept|refresh_extends_expiry)\]/,
    "answers fixed examples (regInfo.phoneNumber +123456789, expiresAt in 2019): the coherence checks fail",
  ],
  [/\[\w+_listed\]|\[use_after_free\]/, "has no state: lists and reads ignore what was created or deleted"],
  [/response header x-correlator is /, "does not echo x-correlator: it answers the header's example value"],
  [/expected status 401, got 2\d\d/, "does not verify access tokens: any bearer token is accepted"],
  [/expected status 403, got 2\d\d/, "does not check scopes or whose resource it is (token context)"],
  [/expected status 404, got 2\d\d/, "has no state: every id exists"],
  [
    /expected status 400(?: or \d{3})*, got 422/,
    "answers request validation errors with 422 where CAMARA expects 400",
  ],
  [
    /\$\.code is "SERVICE_NOT_APPLICABLE"/,
    "answers request validation errors with the 422 example (SERVICE_NOT_APPLICABLE)",
  ],
  [
    /expected status 400(?: or \d{3})*, got 2\d\d/,
    "does not apply rules beyond the schema (time in the past, required body, semantics)",
  ],
  [/has no property \$\.code/, "answers some invalid requests with a Prism error body, not ErrorInfo"],
  [
    /expected status \d{3}(?: or \d{3})*, got 422/,
    "rejects the request as invalid (422): the scenario relies on state or semantics",
  ],
  [/ is "[^"]*", expected /, "answers fixed examples that do not reflect the request or earlier requests"],
  [/ exists: /, "has no state: lists hold the example whatever was created"],
];

export function reasonOf(detail: string): string {
  return REASONS.find(([re]) => re.test(detail))?.[1] ?? `unclassified: ${detail}`;
}

/** The failing scenarios of a run, with the reason, in a stable order. */
export function mockFailures(verdicts: readonly ScenarioVerdict[]): MockFailure[] {
  return verdicts
    .filter((v) => v.failing)
    .map((v) => ({ scenario: `${v.uri.split("/").at(-1)}:${v.line}`, name: v.name, why: reasonOf(v.detail) }))
    .sort((a, b) => a.scenario.localeCompare(b.scenario, "en", { numeric: true }));
}

export function readExpected(file: string): MockFailure[] {
  const doc = parse(readFileSync(file, "utf8")) as { failures?: MockFailure[] };
  return doc.failures ?? [];
}

/** The YAML committed as conformance/prism-expected.yaml. */
export function renderExpected(failures: readonly MockFailure[], passed: number, total: number): string {
  const header = [
    "# Scenarios a Prism mock of the effective specs fails, and why: what a mock derived from the spec",
    "# alone cannot do (state, identity, token checks) and where Prism departs from CAMARA (422 instead",
    "# of 400, no x-correlator echo). The spec authors' view of the suite; checked by",
    "# conformance/test/prism-expected.int.test.ts. Regenerate with:",
    "#   node --import tsx conformance/test/prism-expected.ts --write",
    `# ${passed} of ${total} scenarios pass against the mock (listed upstream defects aside).`,
  ];
  const body = failures.map(
    (f) =>
      `  - scenario: ${JSON.stringify(f.scenario)}\n    name: ${JSON.stringify(f.name)}\n    why: ${JSON.stringify(f.why)}`,
  );
  return `${header.join("\n")}\nfailures:\n${body.join("\n")}\n`;
}
