import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse } from "yaml";

/**
 * An upstream scenario that contradicts its own spec, keyed by what it is: the scenario (feature
 * file and scenario name, its tag as an alias) and the failure the defect causes (the step and the
 * assertion that fails). The run still executes it; only that failure is reported as "upstream
 * defect". A listed scenario that fails anywhere else is reported as failed, one that passes as
 * "upstream defect (passed)": neither is hidden.
 */
export interface KnownDefect {
  /** The feature file's name, e.g. `webrtc-call-handling-createSession.feature`. */
  readonly file: string;
  /** The scenario's name as written. */
  readonly name: string;
  /** The scenario's identifying tag, with its `@`: an alias, so a renamed file or scenario still matches. */
  readonly tag: string | undefined;
  /** The text of the step that fails because of the defect (a trailing `|` and spaces ignored). */
  readonly step: string;
  /** What that step's failure says: a substring, or `/regex/` for a pattern. */
  readonly assertion: string;
  /** Why the scenario cannot be right, in one or two sentences. */
  readonly reason: string;
  /** Where the spec says otherwise, e.g. `webrtc-events.yaml:204`. */
  readonly spec: string;
}

/** Prefixes of the notes a listed scenario attaches (steps/hooks.ts), which the verdicts read. */
export const DEFECT_AS_EXPECTED = "Upstream defect:";
export const DEFECT_PASSED = "Upstream defect did not show:";

/** `file "name" (tag)` for messages. */
export function defectLabel(d: KnownDefect): string {
  return `${d.file} "${d.name}"${d.tag ? ` (${d.tag})` : ""}`;
}

function text(file: string, where: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") throw new Error(`${file}: ${where} is required`);
  return value.trim();
}

/**
 * Reads and checks conformance/known-defects.yaml: a `defects:` list of
 * `{ scenario: { file, name, tag? }, fails: { step, assertion }, reason, spec }`.
 */
export function loadKnownDefects(file: string): KnownDefect[] {
  const doc = parse(readFileSync(file, "utf8")) as { defects?: unknown };
  if (!Array.isArray(doc?.defects)) throw new Error(`${file}: expected a top-level "defects:" list`);
  const seen = new Set<string>();
  return doc.defects.map((entry: unknown, i: number) => {
    const e = (entry ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const at = `defects[${i}]`;
    const tag = e.scenario?.tag === undefined ? undefined : text(file, `${at}.scenario.tag`, e.scenario.tag);
    if (tag !== undefined && !tag.startsWith("@"))
      throw new Error(`${file}: ${at}.scenario.tag must start with @`);
    const defect: KnownDefect = {
      file: text(file, `${at}.scenario.file`, e.scenario?.file),
      name: text(file, `${at}.scenario.name`, e.scenario?.name),
      tag,
      step: normaliseStep(text(file, `${at}.fails.step`, e.fails?.step)),
      assertion: text(file, `${at}.fails.assertion`, e.fails?.assertion),
      reason: text(file, `${at}.reason`, e.reason),
      spec: text(file, `${at}.spec`, e.spec),
    };
    const key = `${defect.file}|${defect.name}`;
    if (seen.has(key)) throw new Error(`${file}: ${defectLabel(defect)} is listed twice`);
    seen.add(key);
    return defect;
  });
}

/** The defect a scenario is listed under: by file and name, or by its tag. */
export function defectOf(
  defects: readonly KnownDefect[],
  scenario: { readonly uri: string; readonly name: string; readonly tags: readonly string[] },
): KnownDefect | undefined {
  const file = basename(scenario.uri);
  return (
    defects.find((d) => d.file === file && d.name === scenario.name.trim()) ??
    defects.find((d) => d.tag !== undefined && scenario.tags.includes(d.tag))
  );
}

/** `And the response … 201   |` → `the response … 201` (keyword already stripped by cucumber). */
function normaliseStep(step: string): string {
  return step
    .replace(/^(Given|When|Then|And|But|\*)\s+/, "")
    .replace(/\s*\|\s*$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** Whether a step's failure is the one the defect causes (the step's text and the assertion). */
export function isExpectedFailure(defect: KnownDefect, stepText: string, message: string): boolean {
  if (normaliseStep(stepText) !== defect.step) return false;
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(defect.assertion);
  return regex ? new RegExp(regex[1] ?? "", regex[2]).test(message) : message.includes(defect.assertion);
}
