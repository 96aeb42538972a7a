import { countBySeverity, type Finding } from "./finding.ts";
import { findingsToSarif } from "./sarif.ts";

export const FORMATS = ["text", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

/** `file:line:column severity rule message`, one per line, then the totals. */
export function formatText(findings: readonly Finding[]): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule} ${f.message}`);
  const c = countBySeverity(findings);
  lines.push(`${c.error} errors, ${c.warn} warnings, ${c.info} infos, ${c.hint} hints`);
  return `${lines.join("\n")}\n`;
}

/** `{ summary: {error, warn, info, hint}, findings: [...] }`. */
export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify({ summary: countBySeverity(findings), findings }, null, 2)}\n`;
}

export function formatFindings(
  findings: readonly Finding[],
  format: Format,
  rules: Map<string, string>,
): string {
  if (format === "json") return formatJson(findings);
  if (format === "sarif") return `${JSON.stringify(findingsToSarif(findings, rules), null, 2)}\n`;
  return formatText(findings);
}
