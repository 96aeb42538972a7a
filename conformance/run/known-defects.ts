import { readFileSync } from "node:fs";
import { parse } from "yaml";

/**
 * An upstream scenario that contradicts its own spec. The run still executes it, but reports it as
 * "upstream defect" — never as passed — and fails on it only with `--strict`.
 */
export interface KnownDefect {
  /** The scenario's identifying tag, with its `@`. */
  readonly tag: string;
  /** Why the scenario cannot be right, in one or two sentences. */
  readonly reason: string;
  /** Where the spec says otherwise, e.g. `webrtc-events.yaml paths./subscriptions.post`. */
  readonly spec: string;
}

/** Reads and checks conformance/known-defects.yaml (a `defects:` list of tag, reason, spec). */
export function loadKnownDefects(file: string): KnownDefect[] {
  const doc = parse(readFileSync(file, "utf8")) as { defects?: unknown };
  if (!Array.isArray(doc?.defects)) throw new Error(`${file}: expected a top-level "defects:" list`);
  const seen = new Set<string>();
  return doc.defects.map((entry: unknown, i: number) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    for (const key of ["tag", "reason", "spec"]) {
      if (typeof e[key] !== "string" || e[key] === "")
        throw new Error(`${file}: defects[${i}].${key} is required`);
    }
    const tag = String(e.tag);
    if (!tag.startsWith("@")) throw new Error(`${file}: defects[${i}].tag must start with @`);
    if (seen.has(tag)) throw new Error(`${file}: ${tag} is listed twice`);
    seen.add(tag);
    return { tag, reason: String(e.reason).trim(), spec: String(e.spec).trim() };
  });
}

/** The defect a scenario is listed under, by its tags. */
export function defectOf(defects: readonly KnownDefect[], tags: readonly string[]): KnownDefect | undefined {
  return defects.find((d) => tags.includes(d.tag));
}
