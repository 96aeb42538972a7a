import { parse } from "yaml";
import { checkFeatures } from "./feature/check-features.ts";
import type { SpecForFeatures } from "./feature/spec-index.ts";
import { compareFindings, type Finding } from "./finding.ts";
import type { LintInputs } from "./lint-inputs.ts";
import { DEFAULT_RULESET } from "./load-ruleset.ts";
import { createLocator } from "./locate.ts";
import { lintSpecText } from "./run-spectral.ts";

/**
 * Lints specs with the CAMARA ruleset and cross-checks the features against them. Findings are
 * sorted by file and line.
 */
export async function lint(inputs: LintInputs, rulesetFile = DEFAULT_RULESET): Promise<Finding[]> {
  const findings: Finding[] = [...inputs.notices];
  const forFeatures: SpecForFeatures[] = [];
  for (const spec of inputs.specs) {
    findings.push(...(await lintSpecText(spec.text, spec.source, spec.display, rulesetFile)));
    let doc: unknown;
    try {
      doc = parse(spec.text);
    } catch {
      continue; // Spectral reports the syntax error.
    }
    forFeatures.push({
      api: spec.api ?? spec.display,
      file: spec.display,
      doc,
      locate: createLocator(spec.text),
    });
  }
  if (inputs.features.length > 0) {
    findings.push(
      ...checkFeatures(
        forFeatures,
        inputs.features.map((f) => ({ file: f.display, text: f.text })),
      ),
    );
  }
  return findings.sort(compareFindings);
}
