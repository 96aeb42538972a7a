/**
 * Whether package-lock.json records what package.json declares, so that `npm install` on a fresh
 * clone does not rewrite it (npm ci only refuses dependency mismatches; a missing `bin` entry, say,
 * slips through and dirties the tree on the next `npm install`).
 */
const FIELDS = [
  "name",
  "version",
  "license",
  "bin",
  "engines",
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
  "workspaces",
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function canonical(value: Json | undefined): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

/** The fields of package.json that the lock's root entry records differently (empty when in sync). */
export function lockfileDrift(pkg: Record<string, Json>, lock: Record<string, Json>): string[] {
  const packages = lock.packages as Record<string, Record<string, Json>> | undefined;
  const root = packages?.[""];
  if (!root) return ['package-lock.json has no root entry (packages[""])'];
  const drift: string[] = [];
  if (lock.name !== pkg.name || lock.version !== pkg.version) drift.push("name/version at the lock's top");
  for (const field of FIELDS) {
    // npm records an empty object as absent.
    const want = pkg[field];
    const empty = want !== null && typeof want === "object" && Object.keys(want).length === 0;
    if (canonical(empty ? undefined : want) !== canonical(root[field])) drift.push(field);
  }
  return drift;
}
