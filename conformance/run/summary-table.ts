import type { ScenarioVerdict } from "./verdicts.ts";

/** Counts of a run, by verdict, plus what did not run and why. */
export interface RunSummary {
  readonly verdicts: readonly ScenarioVerdict[];
  /** Scenarios left out because the target lacks a capability, by capability tag. */
  readonly deselected: Readonly<Record<string, number>>;
  /** Scenarios left out because the target does not serve their API in the release checked, by API. */
  readonly notServed?: Readonly<Record<string, number>>;
  /** The release checked. */
  readonly release?: string;
  readonly durationMs: number;
}

/**
 * The plain-text `summary` report: one row per scenario (result, feature:line, tag, name), then
 * the totals. Meant for a terminal and for a README table.
 */
export function summaryTable(summary: RunSummary): string {
  const rows = summary.verdicts.map((v) => [
    v.verdict,
    `${v.uri.split("/").at(-1)}:${v.line}`,
    v.tags.find((t) => /_\d|_[A-Z0-9]/.test(t)) ?? v.tags[0] ?? "",
    v.name,
  ]);
  const header = ["result", "feature", "tag", "scenario"];
  const widths = header.map((h, i) =>
    Math.min(90, Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join(" | ")
      .trimEnd();
  const counts = new Map<string, number>();
  for (const v of summary.verdicts) counts.set(v.verdict, (counts.get(v.verdict) ?? 0) + 1);
  const failing = summary.verdicts.filter((v) => v.failing);
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ""];
  out.push(
    `${summary.verdicts.length} scenarios: ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")} (${(summary.durationMs / 1000).toFixed(1)} s)`,
  );
  for (const [tag, n] of Object.entries(summary.deselected)) {
    if (n > 0)
      out.push(
        `${n} scenarios tagged @${tag} not selected: the target configuration does not declare supports.${tag}`,
      );
  }
  for (const [api, n] of Object.entries(summary.notServed ?? {})) {
    out.push(
      `${n} scenarios of ${api} not selected: the target configuration declares notServed.${summary.release}: ${api}`,
    );
  }
  if (failing.length > 0) {
    out.push("", "Failures:");
    for (const v of failing) out.push(`  ${v.uri.split("/").at(-1)}:${v.line} ${v.name}: ${v.detail}`);
  }
  return `${out.join("\n")}\n`;
}

/** The verdicts as a Markdown table (feature, scenario tag, name, result), for a README. */
export function markdownTable(verdicts: readonly ScenarioVerdict[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = verdicts.map((v) => {
    const tag = v.tags.find((t) => /_\d|_[A-Z0-9]/.test(t)) ?? v.tags[0] ?? "";
    return `| ${cell(`${v.uri.split("/").at(-1)}:${v.line}`)} | \`${cell(tag)}\` | ${cell(v.name)} | ${v.verdict} |`;
  });
  return `${["| feature | tag | scenario | result |", "|---|---|---|---|", ...rows].join("\n")}\n`;
}
