import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { Finding, Severity } from "./finding.ts";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  error: "error",
  warn: "warning",
  info: "note",
  hint: "note",
};

/**
 * Findings as a SARIF 2.1.0 log (one run, tool `camara-spec-lint`), the format code-scanning
 * services read. `rules` gives each rule id its description.
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function findingsToSarif(findings: readonly Finding[], rules: Map<string, string>) {
  const ids = [...new Set(findings.map((f) => f.rule))].sort();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "camara-spec-lint",
            informationUri: "https://github.com/camaraproject/Commonalities",
            rules: ids.map((id) => ({ id, shortDescription: { text: rules.get(id) ?? id } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ids.indexOf(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                // Repository-relative paths are relative URIs; files outside become file: URIs.
                artifactLocation: { uri: isAbsolute(f.file) ? pathToFileURL(f.file).href : f.file },
                region: { startLine: f.line, startColumn: f.column },
              },
              ...(f.pointer ? { logicalLocations: [{ fullyQualifiedName: f.pointer }] } : {}),
            },
          ],
        })),
      },
    ],
  };
}
