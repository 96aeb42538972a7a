/** One entry of a v3 lockfile's `packages` (only the fields this module reads are typed). */
export interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

export interface Lockfile {
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/**
 * Where Node (and npm's tree) finds `name` required from the package at lock path `from`: its own
 * node_modules, then each ancestor's, then the top.
 */
function locate(packages: Lockfile["packages"], from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === "" ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === "") return undefined;
    const cut = base.lastIndexOf("/node_modules/");
    base = cut === -1 ? "" : base.slice(0, cut);
  }
}

/**
 * An npm-shrinkwrap.json for a package whose dependencies are `dependencies`, cut from the
 * repository's package-lock.json: the entries those dependencies reach (optional and peer ones
 * included when the lock holds them; npm skips those for another platform), at the same paths, so the package installs exactly
 * the versions the repository runs, from the npm cache alone (a lockfile names versions and
 * integrity; only ranges need the registry's metadata).
 */
export function shrinkwrapFor(
  lock: Lockfile,
  root: { name: string; version: string; dependencies: Readonly<Record<string, string>> },
): Lockfile & { name: string; version: string; requires: true } {
  const packages = lock.packages;
  const kept = new Map<string, LockEntry>();
  const pending = Object.keys(root.dependencies).map((name) => ({ from: "", name, optional: false }));
  for (let next = pending.pop(); next; next = pending.pop()) {
    const path = locate(packages, next.from, next.name);
    if (!path) {
      if (next.optional) continue;
      throw new Error(`package-lock.json has no ${next.name} reachable from "${next.from || "the root"}"`);
    }
    if (kept.has(path)) continue;
    const entry = packages[path] as LockEntry;
    kept.set(path, entry);
    for (const name of Object.keys(entry.dependencies ?? {}))
      pending.push({ from: path, name, optional: false });
    // npm installs peers too; one the lock does not hold is an optional peer nobody installed.
    for (const name of [
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}),
    ])
      pending.push({ from: path, name, optional: true });
  }
  const sorted = [...kept.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    name: root.name,
    version: root.version,
    lockfileVersion: 3,
    requires: true,
    packages: {
      "": { name: root.name, version: root.version, dependencies: root.dependencies },
      ...Object.fromEntries(sorted),
    },
  };
}
