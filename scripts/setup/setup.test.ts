import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type DebianPackage,
  MissingPackageError,
  missingPackages,
  requirePackages,
} from "./debian-packages.ts";
import { type AptResult, describeOutcome, installPrerequisites } from "./setup.ts";

const PACKAGES: DebianPackage[] = [
  { name: "alpha", provides: ["/opt/alpha"], usedBy: ["tests"] },
  { name: "beta", provides: ["/opt/beta", "/usr/beta"], usedBy: ["lab"] },
];

/** A fake apt whose `install` makes the named packages' files exist. */
function fakeApt(
  files: Set<string>,
  answer: { update?: AptResult; install?: AptResult; installs?: boolean } = {},
) {
  const calls: string[][] = [];
  const run = (args: readonly string[]): AptResult => {
    calls.push([...args]);
    if (args[0] === "update") return answer.update ?? { status: 0, output: "" };
    if (answer.installs !== false)
      for (const p of PACKAGES) if (args.includes(p.name)) files.add(p.provides[0] as string);
    return answer.install ?? { status: 0, output: "" };
  };
  return { run, calls, exists: (path: string) => files.has(path) };
}

describe("the prerequisites step", () => {
  it("does nothing, not even apt-get update, when every package is present", () => {
    const apt = fakeApt(new Set(["/opt/alpha", "/usr/beta"]));
    const outcome = installPrerequisites(PACKAGES, apt.run, apt.exists);
    assert.deepEqual(outcome, { kind: "present", count: 2 });
    assert.deepEqual(apt.calls, []);
  });

  it("installs every missing package with one update and one install", () => {
    const apt = fakeApt(new Set());
    const outcome = installPrerequisites(PACKAGES, apt.run, apt.exists);
    assert.deepEqual(outcome, { kind: "installed", packages: ["alpha", "beta"] });
    assert.deepEqual(apt.calls, [
      ["update", "-qq"],
      ["install", "-y", "-qq", "--no-install-recommends", "alpha", "beta"],
    ]);
  });

  it("says in one line that the archive cannot be reached, naming the missing packages", () => {
    const apt = fakeApt(new Set(["/opt/alpha"]), {
      update: {
        status: 0,
        output:
          "W: Failed to fetch http://archive.invalid/dists/bookworm/InRelease  Temporary failure resolving 'archive.invalid'\nW: Some index files failed to download.\n",
      },
      install: { status: 100, output: "E: Unable to locate package beta\n" },
      installs: false,
    });
    const outcome = installPrerequisites(PACKAGES, apt.run, apt.exists);
    assert.equal(outcome.kind, "unreachable");
    const line = describeOutcome(outcome);
    assert.match(
      line,
      /^setup: the Debian archive cannot be reached \(W: Failed to fetch .*Temporary failure resolving/,
    );
    assert.match(line, /; missing packages: beta$/);
    assert.equal(line.includes("\n"), false);
  });

  it("reports apt's error line when the archive answers but the install fails", () => {
    const apt = fakeApt(new Set(), {
      install: { status: 100, output: "Reading package lists...\nE: Unable to locate package alpha\n" },
      installs: false,
    });
    const line = describeOutcome(installPrerequisites(PACKAGES, apt.run, apt.exists));
    assert.equal(
      line,
      "setup: apt-get could not install the prerequisites (E: Unable to locate package alpha); missing packages: alpha beta",
    );
  });

  it("fails when apt succeeds but a package's files are still absent", () => {
    const apt = fakeApt(new Set(), { installs: false });
    const outcome = installPrerequisites(PACKAGES, apt.run, apt.exists);
    assert.deepEqual(outcome, {
      kind: "failed",
      missing: ["alpha", "beta"],
      detail: "installed, but their files are not where expected",
    });
  });
});

describe("requirePackages", () => {
  it("accepts a package through any of the files it provides", () => {
    assert.deepEqual(
      missingPackages(PACKAGES, (p) => p === "/usr/beta" || p === "/opt/alpha"),
      [],
    );
  });

  it("fails at once naming the package and npm run setup, never installing", () => {
    assert.throws(
      () => requirePackages(["chromium", "openssl"], (p) => p === "/usr/bin/openssl"),
      (error: unknown) =>
        error instanceof MissingPackageError &&
        error.message ===
          "missing Debian package chromium: run `npm run setup` (outside any network namespace) to install the project's prerequisites",
    );
  });

  it("refuses a package name the prerequisites do not list", () => {
    assert.throws(() => requirePackages(["nonesuch"]), /nonesuch is not in DEBIAN_PACKAGES/);
  });
});
