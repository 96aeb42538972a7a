import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Installs the packed suite (`npm run conformance:pack`) into `folder` as a telco would
 * (`npm install <tarball>`), from the npm cache alone: the test tier has no network.
 *
 * npm resolves a local tarball's dependencies through the registry's metadata, which `npm ci`
 * does not cache, and reads a package's npm-shrinkwrap.json only when a registry says it has one.
 * So the folder's package-lock.json is seeded with the tree of that shrinkwrap (read from the
 * tarball): every dependency then has a version and integrity, which the cache serves.
 */
export function installPackage(folder: string, tarball: string): { status: number | null; output: string } {
  const shrinkwrap = JSON.parse(
    execFileSync("tar", ["-xzf", tarball, "-O", "package/npm-shrinkwrap.json"], { encoding: "utf8" }),
  ) as { packages: Record<string, unknown> };
  const { "": _root, ...tree } = shrinkwrap.packages;
  writeFileSync(join(folder, "package.json"), "{}\n");
  writeFileSync(
    join(folder, "package-lock.json"),
    JSON.stringify({ lockfileVersion: 3, requires: true, packages: { "": {}, ...tree } }),
  );
  const npm = spawnSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], {
    cwd: folder,
    encoding: "utf8",
  });
  return { status: npm.status, output: `${npm.stdout}${npm.stderr}` };
}
