import { readFileSync, writeFileSync } from "node:fs";
import type { ScenarioVerdict } from "./verdicts.ts";

function xmlAttr(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Cucumber's JUnit formatter writes a bare `<skipped/>` for a scenario reported as skipped. For
 * listed upstream defects that loses the why, so the reason and what was observed are put in the
 * element's `message` (the attribute JUnit consumers display).
 */
export function annotateJunit(file: string, verdicts: readonly ScenarioVerdict[]): void {
  let xml = readFileSync(file, "utf8");
  for (const v of verdicts) {
    if (!v.defect || !v.verdict.startsWith("upstream defect") || v.failing) continue;
    const open = `<testcase classname="${xmlAttr(v.feature)}" name="${xmlAttr(v.name)}"`;
    const start = xml.indexOf(open);
    if (start < 0) continue;
    const end = xml.indexOf("</testcase>", start);
    const skipped = xml.indexOf("<skipped/>", start);
    if (skipped < 0 || (end >= 0 && skipped > end)) continue;
    const message = `${v.verdict} ${v.defect.tag ?? `"${v.defect.name}"`}: ${v.defect.reason} (${v.defect.spec}) Observed: ${v.detail}`;
    xml = `${xml.slice(0, skipped)}<skipped message="${xmlAttr(message)}"/>${xml.slice(skipped + "<skipped/>".length)}`;
  }
  writeFileSync(file, xml);
}
