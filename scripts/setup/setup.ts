#!/usr/bin/env -S node --import tsx
/**
 * `npm run setup`: the project's prerequisites step. Installs every Debian package any part of the
 * project runs (scripts/setup/debian-packages.ts) that is missing, with one `apt-get update` and one
 * `apt-get install`, and does nothing when all are present. `npm test` runs it before any tier enters
 * a network namespace, `npm start` for the lab's packages; inside a namespace nothing is installed.
 *
 *   npm run setup [-- --for lab|tests|tools]
 *
 * Exit status: 0 when everything is installed, 1 when something could not be (one line says why and
 * names the missing packages).
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DebianPackage, missingPackages, type PackageUse, packagesFor } from "./debian-packages.ts";

/** One apt-get call: its exit status and everything it printed. */
export interface AptResult {
  readonly status: number | null;
  readonly output: string;
}
export type AptRunner = (args: readonly string[]) => AptResult;

export type SetupOutcome =
  | { readonly kind: "present"; readonly count: number }
  | { readonly kind: "installed"; readonly packages: readonly string[] }
  | { readonly kind: "unreachable"; readonly missing: readonly string[]; readonly detail: string }
  | { readonly kind: "failed"; readonly missing: readonly string[]; readonly detail: string };

/** What apt prints when it cannot reach an archive (name resolution, connection, proxy). */
const UNREACHABLE =
  /Temporary failure resolving|Could not resolve|Failed to fetch|Could not connect|Connection failed|Network is unreachable|Unable to connect/i;

function firstLine(output: string, pattern: RegExp): string | undefined {
  return output
    .split("\n")
    .map((l) => l.trim())
    .find((l) => pattern.test(l));
}

/**
 * Installs the missing packages among `packages`. Pure apart from `apt` and `exists`, so the
 * outcomes (nothing to do, installed, archive unreachable, install failed) are unit-tested.
 */
export function installPrerequisites(
  packages: readonly DebianPackage[],
  apt: AptRunner,
  exists: (path: string) => boolean = existsSync,
): SetupOutcome {
  const missing = missingPackages(packages, exists);
  if (missing.length === 0) return { kind: "present", count: packages.length };
  const update = apt(["update", "-qq"]);
  const install = apt(["install", "-y", "-qq", "--no-install-recommends", ...missing]);
  const still = missingPackages(packages, exists);
  if (install.status === 0 && still.length === 0) return { kind: "installed", packages: missing };
  const output = `${update.output}\n${install.output}`;
  const unreachable = firstLine(output, UNREACHABLE);
  if (unreachable) return { kind: "unreachable", missing: still, detail: unreachable };
  const detail =
    firstLine(install.output, /^E:/) ??
    (install.status === 0
      ? "installed, but their files are not where expected"
      : `exit status ${install.status}`);
  return { kind: "failed", missing: still, detail };
}

/** The one line `npm run setup` prints for an outcome. */
export function describeOutcome(outcome: SetupOutcome): string {
  switch (outcome.kind) {
    case "present":
      return `setup: all ${outcome.count} Debian packages are installed`;
    case "installed":
      return `setup: installed ${outcome.packages.join(" ")}`;
    case "unreachable":
      return `setup: the Debian archive cannot be reached (${outcome.detail}); missing packages: ${outcome.missing.join(" ")}`;
    case "failed":
      return `setup: apt-get could not install the prerequisites (${outcome.detail}); missing packages: ${outcome.missing.join(" ")}`;
  }
}

/** apt-get as root, non-interactive, with package services kept from starting (policy-rc.d). */
export function systemApt(args: readonly string[]): AptResult {
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = args[0] === "install" && !existsSync(policy);
  // Debian's rtpengine and kamailio packages would otherwise start system-wide daemons; the lab runs
  // its own in the foreground.
  if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    // Another apt or dpkg run (an unattended upgrade, a second checkout's setup) holds the lock: wait.
    const result = spawnSync("apt-get", ["-o", "DPkg::Lock::Timeout=300", ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return {
      status: result.status,
      output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}`,
    };
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

/** Runs the step for `use` (every package without it) and returns the process exit status. */
export function runSetup(use?: PackageUse, print: (line: string) => void = console.log): number {
  const outcome = installPrerequisites(packagesFor(use), systemApt);
  print(describeOutcome(outcome));
  return outcome.kind === "present" || outcome.kind === "installed" ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--for");
  const use = at >= 0 ? (process.argv[at + 1] as PackageUse | undefined) : undefined;
  if (use !== undefined && !["lab", "tests", "tools"].includes(use)) {
    console.error("usage: npm run setup [-- --for lab|tests|tools]");
    process.exit(2);
  }
  process.exitCode = runSetup(use);
}
