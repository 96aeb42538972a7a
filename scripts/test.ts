#!/usr/bin/env -S node --import tsx
/**
 * `npm test`: runs every tier in order and ends with the plain line `N passed, N failed` that CI
 * reads. `npm test -- --tier unit` runs one tier. Each check tier counts as one test; the node:test
 * tiers count their individual tests.
 *
 * Before any tier enters a network namespace, the prerequisites step (`npm run setup`) installs the
 * Debian packages the tiers use; inside a namespace nothing can be downloaded, so a tier whose
 * packages are still missing fails at once naming them. A run that leaves files changed or added in
 * the work tree fails the `clean-tree` check.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Command } from "commander";
import { fromRoot } from "./lib/paths.ts";
import { MissingPackageError, requirePackages } from "./setup/debian-packages.ts";
import { runSetup } from "./setup/setup.ts";

interface Outcome {
  passed: number;
  failed: number;
}
interface Tier {
  name: string;
  /** Runs inside a network namespace: the prerequisites step must come first. */
  isolated?: boolean;
  run(): Outcome;
}

const SKIP_DIRS = new Set(["node_modules", ".git", "generated", "fixtures", "data", "reports", ".tmp"]);

function findTests(dir: string, suffix: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      if (e.isDirectory()) return SKIP_DIRS.has(e.name) ? [] : findTests(join(dir, e.name), suffix);
      return suffix.test(e.name) ? [join(dir, e.name)] : [];
    })
    .sort();
}

/** A tier that runs one command and counts as a single test. */
function check(name: string, command: string, args: readonly string[]): Tier {
  return {
    name,
    run() {
      const result = spawnSync(command, args, { stdio: "inherit", cwd: fromRoot() });
      return result.status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
    },
  };
}

interface NodeTestsOptions {
  /** Test files outside this pattern are left out. */
  readonly exclude?: RegExp;
  /** Folders searched, relative to the root. Default impl, scripts, conformance. */
  readonly roots?: readonly string[];
  /** A loopback-only network namespace (scripts/lib/netns-run.sh) named after this prefix. */
  readonly netns?: string;
  /** Debian packages the tier runs (scripts/setup/debian-packages.ts), checked before it starts. */
  readonly packages?: readonly string[];
  /** Test files run at once (node --test-concurrency); default node's (the cores less one). */
  readonly concurrency?: number;
  /** Variables for the tier's processes (e.g. NETNS_ICE_VETH for scripts/lib/netns-run.sh). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A tier that runs node:test files and counts their tests from the TAP summary. */
function nodeTests(name: string, pattern: RegExp, options: NodeTestsOptions = {}): Tier {
  return {
    name,
    isolated: options.netns !== undefined,
    run() {
      try {
        requirePackages(options.packages ?? []);
      } catch (error) {
        if (!(error instanceof MissingPackageError)) throw error;
        console.error(`tier ${name}: ${error.message}`);
        return { passed: 0, failed: 1 };
      }
      const files = (options.roots ?? ["impl", "scripts", "conformance"])
        .flatMap((d) => findTests(fromRoot(d), pattern))
        .filter((f) => !options.exclude?.test(f));
      if (files.length === 0) {
        console.error(`tier ${name}: no test files found`);
        return { passed: 0, failed: 1 };
      }
      mkdirSync(fromRoot(".tmp"), { recursive: true });
      const tap = fromRoot(".tmp", `${name}.tap`);
      const node = [
        process.execPath,
        "--import",
        "tsx",
        "--test",
        ...(options.concurrency ? [`--test-concurrency=${options.concurrency}`] : []),
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=tap",
        `--test-reporter-destination=${tap}`,
        ...files.map((f) => relative(fromRoot(), f).split(sep).join("/")),
      ];
      const [command, ...args] = options.netns
        ? [fromRoot("scripts/lib/netns-run.sh"), options.netns, ...node]
        : node;
      const result = spawnSync(command as string, args, {
        stdio: "inherit",
        cwd: fromRoot(),
        env: { ...process.env, NODE_ENV: "test", ...options.env },
      });
      const summary = readFileSync(tap, "utf8");
      const count = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, "m").exec(summary)?.[1] ?? 0);
      const failed = count("fail") + count("cancelled");
      // A crash of the runner itself must not read as green.
      return { passed: count("pass"), failed: failed === 0 && result.status !== 0 ? 1 : failed };
    },
  };
}

const BASE = ["iproute2", "openssl"];
const SIP = [
  "kamailio",
  "kamailio-websocket-modules",
  "kamailio-extra-modules",
  "kamailio-tls-modules",
  "sip-tester",
];

const tiers: Tier[] = [
  check("generate:check", process.execPath, ["--import", "tsx", "scripts/generate-check.ts"]),
  check("spec:verify", process.execPath, ["--import", "tsx", "scripts/verify-checksums.ts"]),
  check("typecheck", process.execPath, [fromRoot("node_modules", "typescript", "bin", "tsc"), "-p", "."]),
  check("lint", fromRoot("node_modules", ".bin", "biome"), ["check", "."]),
  // The layer rules of .dependency-cruiser.cjs (imports run one way, no cycles).
  check("layers", fromRoot("node_modules", ".bin", "depcruise"), [
    ...["impl", "scripts", "conformance", "generated"],
    ...["--config", ".dependency-cruiser.cjs"],
  ]),
  nodeTests("unit", /\.test\.ts$/, { exclude: /\.int\.test\.ts$/ }),
  // The PostgreSQL store and the gateway on it, against a private server each test file starts.
  nodeTests("store", /\.int\.test\.ts$/, {
    roots: ["impl/store"],
    netns: "store",
    packages: ["iproute2", "postgresql"],
  }),
  nodeTests("events", /\.int\.test\.ts$/, {
    roots: ["impl/events", "impl/relay"],
    netns: "events",
    // postgresql: the shared outbox and relay (STORE=postgres) against a private server per file.
    packages: ["iproute2", "openssl", "postgresql", "chromium", "fonts-dejavu-core"],
  }),
  nodeTests("sip", /\.int\.test\.ts$/, {
    roots: ["impl/engine/sip"],
    netns: "sip",
    // rtpengine: the correlator test follows one request into the media anchor.
    packages: [...BASE, ...SIP, "dnsmasq-base", "rtpengine-daemon"],
  }),
  // Several gateway nodes on PostgreSQL behind haproxy, registering at Kamailio (impl/cluster).
  nodeTests("cluster", /\.int\.test\.ts$/, {
    roots: ["impl/cluster"],
    netns: "cluster",
    // One file at a time: each starts several gateways on ports chosen by freePort, which files
    // running at once raced for (EADDRINUSE), on top of loading the machine past their timings.
    concurrency: 1,
    packages: [...BASE, ...SIP, "postgresql", "haproxy"],
  }),
  nodeTests("conformance", /\.int\.test\.ts$/, {
    roots: ["conformance"],
    exclude: /[\\/]conformance[\\/]mutation[\\/]/,
    netns: "conformance",
    packages: [...BASE, ...SIP],
  }),
  // The suite against the gateway behind a proxy injecting one fault at a time (conformance/mutation).
  nodeTests("mutation", /\.int\.test\.ts$/, {
    roots: ["conformance/mutation"],
    netns: "mutation",
    packages: BASE,
  }),
  // The framework as an implementer meets it: packed, scaffolded, installed offline, updated.
  nodeTests("scaffold", /\.int\.test\.ts$/, {
    roots: ["scripts/framework"],
    netns: "scaffold",
    packages: BASE,
  }),
  nodeTests("e2e", /\.int\.test\.ts$/, {
    roots: ["impl/engine/media", "impl/e2e"],
    netns: "e2e",
    packages: [...BASE, ...SIP, "rtpengine-daemon", "janus", "chromium", "fonts-dejavu-core"],
    // Janus gathers ICE candidates only on a non-loopback interface (scripts/lib/netns-run.sh).
    env: { NETNS_ICE_VETH: "1" },
  }),
];

const opts = new Command("test")
  .option("--tier <name...>", "run only these tiers")
  .parse()
  .opts<{ tier?: string[] }>();
const selected = opts.tier ? tiers.filter((t) => opts.tier?.includes(t.name)) : tiers;
if (selected.length === 0) {
  console.error(`No such tier; tiers: ${tiers.map((t) => t.name).join(", ")}`);
  process.exit(2);
}

/** `git status --porcelain` lines, or undefined outside a git work tree. */
function treeStatus(): Set<string> | undefined {
  const result = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: fromRoot(),
    encoding: "utf8",
  });
  return result.status === 0 ? new Set(result.stdout.split("\n").filter(Boolean)) : undefined;
}

const total: Outcome = { passed: 0, failed: 0 };
const lines: string[] = [];
const statusBefore = treeStatus();
if (selected.some((t) => t.isolated)) {
  // Install before isolating: nothing can be downloaded inside a namespace. A failure is reported
  // here in one line; the tiers that need a missing package then fail at once, naming it.
  console.log("\n=== setup ===");
  runSetup("tests");
}
for (const tier of selected) {
  console.log(`\n=== ${tier.name} ===`);
  const started = performance.now();
  const outcome = tier.run();
  total.passed += outcome.passed;
  total.failed += outcome.failed;
  lines.push(
    `${tier.name}: ${outcome.passed} passed, ${outcome.failed} failed (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}
if (statusBefore && !opts.tier) {
  // npm test must leave the tree as it found it (reports, data and .tmp are ignored by .gitignore).
  const after = treeStatus() ?? new Set<string>();
  const changed = [...after].filter((line) => !statusBefore.has(line));
  if (changed.length > 0) console.error(`clean-tree: the run changed the work tree:\n${changed.join("\n")}`);
  total.passed += changed.length === 0 ? 1 : 0;
  total.failed += changed.length === 0 ? 0 : 1;
  lines.push(`clean-tree: ${changed.length === 0 ? "1 passed, 0 failed" : "0 passed, 1 failed"}`);
}
console.log(`\n${lines.join("\n")}`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exitCode = total.failed === 0 ? 0 : 1;
