import type { FoldedSchema } from "./fold-schema.ts";

/**
 * The name of the most specific named schema a folded shape was built from: the schema the last
 * source names, which is the discriminator's choice when there is one (`AccessTokenCredential`).
 */
export function schemaName(folded: FoldedSchema, fallback = "its schema"): string {
  let name = fallback;
  for (const ref of folded.names.length > 0 ? folded.names : folded.refs) {
    const match = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
    if (match?.[1]) name = match[1];
  }
  return name;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The declared name closest to `name` (case-insensitive equal, or at most 2 edits away). */
export function closest(name: string, declared: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of declared) {
    const d = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
