import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { fromRoot } from "../../lib/paths.ts";
import type { Finding } from "../lint/finding.ts";
import { lint } from "../lint/lint.ts";
import type { LintFile } from "../lint/lint-inputs.ts";

const DIR = fromRoot("scripts", "spec", "test", "fixtures", "lint");

/** The demo-widgets spec and its features, which follow every rule. */
export const FIXTURE = {
  spec: `${DIR}/demo-widgets.yaml`,
  createWidget: `${DIR}/demo-widgets-createWidget.feature`,
  getWidget: `${DIR}/demo-widgets-getWidget.feature`,
};

// biome-ignore lint/suspicious/noExplicitAny: mutations reach into an untyped parsed document.
export type Doc = any;

/** A fresh parsed copy of the demo-widgets spec. */
export function fixtureDoc(): Doc {
  return parse(readFileSync(FIXTURE.spec, "utf8"));
}

function specFile(doc: Doc): LintFile {
  return { source: FIXTURE.spec, display: "demo-widgets.yaml", text: stringify(doc), api: "demo-widgets" };
}

function featureFile(path: string, edit: (text: string) => string, display?: string): LintFile {
  const name = display ?? path.slice(path.lastIndexOf("/") + 1);
  return { source: path, display: name, text: edit(readFileSync(path, "utf8")) };
}

/** Lints the spec after `mutate` changed it (no features). */
export async function lintSpec(mutate: (doc: Doc) => void = () => {}): Promise<Finding[]> {
  const doc = fixtureDoc();
  mutate(doc);
  return lint({ specs: [specFile(doc)], features: [], notices: [] });
}

export interface FeatureEdits {
  createWidget?: (text: string) => string;
  getWidget?: ((text: string) => string) | null;
  /** Name the createWidget feature file differently. */
  createWidgetName?: string;
}

/** Lints the spec with its features after the edits (`getWidget: null` leaves that feature out). */
export async function lintFeatures(edits: FeatureEdits = {}): Promise<Finding[]> {
  const same = (t: string) => t;
  const features = [featureFile(FIXTURE.createWidget, edits.createWidget ?? same, edits.createWidgetName)];
  if (edits.getWidget !== null) features.push(featureFile(FIXTURE.getWidget, edits.getWidget ?? same));
  return lint({ specs: [specFile(fixtureDoc())], features, notices: [] });
}

/** The distinct rules of the findings, sorted. */
export function rulesOf(findings: readonly Finding[]): string[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

/** Lints the spec after `mutate` changed it with another ruleset (no features). */
export async function lintSpecWith(
  ruleset: string,
  mutate: (doc: Doc) => void = () => {},
): Promise<Finding[]> {
  const doc = fixtureDoc();
  mutate(doc);
  return lint({ specs: [specFile(doc)], features: [], notices: [] }, ruleset);
}
