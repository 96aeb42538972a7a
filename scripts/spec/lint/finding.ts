/** Severities, most severe first; Spectral's DiagnosticSeverity 0..3 in the same order. */
export const SEVERITIES = ["error", "warn", "info", "hint"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One problem found in a spec or feature file. */
export interface Finding {
  /** Path of the file, relative to the repository root when inside it. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** JSON Pointer of the offending node, for spec findings. */
  readonly pointer?: string;
}

/** Orders findings by file, line, column, then rule, so that output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warn: 0, info: 0, hint: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
