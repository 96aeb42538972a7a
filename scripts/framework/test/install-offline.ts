import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `npm install --offline` in `folder` with `tarballs` (package name → .tgz) as its framework
 * dependencies, from the npm cache alone: the tier has no network. As in
 * conformance/test/install-package.ts, the folder's package-lock.json is seeded with the trees of
 * the tarballs' npm-shrinkwrap.json files (all cut from this repository's lock), so that every
 * dependency has a version and integrity the cache serves; package.json names the tarballs as
 * `file:` dependencies where it names the packages (or adds them).
 */
export function installOffline(
  folder: string,
  tarballs: Readonly<Record<string, string>>,
): { status: number | null; output: string } {
  const tree: Record<string, unknown> = {};
  for (const tarball of Object.values(tarballs)) {
    const shrinkwrap = JSON.parse(
      execFileSync("tar", ["-xzf", tarball, "-O", "package/npm-shrinkwrap.json"], { encoding: "utf8" }),
    ) as { packages: Record<string, unknown> };
    const { "": _root, ...packages } = shrinkwrap.packages;
    Object.assign(tree, packages);
  }
  const file = join(folder, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  pkg.dependencies ??= {};
  for (const [name, tarball] of Object.entries(tarballs)) {
    const field = pkg.devDependencies?.[name] !== undefined ? pkg.devDependencies : pkg.dependencies;
    field[name] = `file:${tarball}`;
  }
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(
    join(folder, "package-lock.json"),
    JSON.stringify({ lockfileVersion: 3, requires: true, packages: { "": {}, ...tree } }),
  );
  const npm = spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund"], {
    cwd: folder,
    encoding: "utf8",
    timeout: 300_000,
  });
  return { status: npm.status, output: `${npm.stdout}${npm.stderr}` };
}
