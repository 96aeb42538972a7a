import { type Change, type ChangeClass, CLASS_ORDER } from "./change.ts";

export function countByClass(changes: readonly Change[]): Record<ChangeClass, number> {
  const counts: Record<ChangeClass, number> = { breaking: 0, "non-breaking": 0, informational: 0 };
  for (const c of changes) counts[c.class]++;
  return counts;
}

/** Changes ordered by class (breaking first), then location, then message. */
export function sortChanges(changes: readonly Change[]): Change[] {
  return [...changes].sort(
    (x, y) =>
      CLASS_ORDER.indexOf(x.class) - CLASS_ORDER.indexOf(y.class) ||
      x.location.localeCompare(y.location) ||
      x.message.localeCompare(y.message),
  );
}

/** `BREAKING  POST /sessions  request body (application/json): deviceName: new required property`. */
export function formatChangesText(changes: readonly Change[]): string {
  const lines = sortChanges(changes).map(
    (c) => `${c.class.toUpperCase()}  ${c.location}  ${c.message}  [${c.kind}]`,
  );
  const n = countByClass(changes);
  lines.push(
    changes.length === 0
      ? "No changes."
      : `${n.breaking} breaking, ${n["non-breaking"]} non-breaking, ${n.informational} informational`,
  );
  return `${lines.join("\n")}\n`;
}

export function formatChangesJson(changes: readonly Change[]): string {
  return `${JSON.stringify({ summary: countByClass(changes), changes: sortChanges(changes) }, null, 2)}\n`;
}
