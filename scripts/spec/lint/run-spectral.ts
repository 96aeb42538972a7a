import { relative, sep } from "node:path";
import { Document, type RulesetDefinition, Spectral } from "@stoplight/spectral-core";
import parsers from "@stoplight/spectral-parsers";
import { repoRoot } from "../../lib/paths.ts";
import { pointer } from "./doc-path.ts";
import { type Finding, SEVERITIES } from "./finding.ts";
import { DEFAULT_RULESET, loadRuleset } from "./load-ruleset.ts";

/** Repository-relative path with forward slashes, or the absolute path for files outside. */
export function displayPath(file: string): string {
  const rel = relative(repoRoot, file);
  return rel.startsWith("..") || rel === "" ? file : rel.split(sep).join("/");
}

const instances = new Map<string, Spectral>();

function spectralFor(rulesetFile: string): Spectral {
  let spectral = instances.get(rulesetFile);
  if (!spectral) {
    spectral = new Spectral();
    spectral.setRuleset(loadRuleset(rulesetFile) as RulesetDefinition);
    instances.set(rulesetFile, spectral);
  }
  return spectral;
}

/**
 * Lints one OpenAPI document with the ruleset. `source` is the document's absolute path (for
 * relative `$ref`s); `display` names it in findings (it may differ, e.g. an effective spec
 * rendered in memory).
 */
export async function lintSpecText(
  text: string,
  source: string,
  display: string,
  rulesetFile = DEFAULT_RULESET,
): Promise<Finding[]> {
  const document = source.endsWith(".json")
    ? new Document(text, parsers.Json, source)
    : new Document(text, parsers.Yaml, source);
  const diagnostics = await spectralFor(rulesetFile).run(document);
  return diagnostics.map((d) => ({
    file: d.source === undefined || d.source === source ? display : displayPath(d.source),
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    rule: String(d.code),
    severity: SEVERITIES[d.severity] ?? "error",
    message: d.message,
    pointer: pointer(d.path),
  }));
}
