#!/usr/bin/env -S node --import tsx
/**
 * `npm test`: runs every tier in order and ends with the plain line `N passed, N failed` that CI
 * reads. `npm test -- --tier unit` runs one tier. Each check tier counts as one test; the node:test
 * tiers count their individual tests.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { Command } from "commander";
import { fromRoot } from "./lib/paths.ts";

interface Outcome {
  passed: number;
  failed: number;
}
interface Tier {
  name: string;
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
}

/** A tier that runs node:test files and counts their tests from the TAP summary. */
function nodeTests(name: string, pattern: RegExp, options: NodeTestsOptions = {}): Tier {
  return {
    name,
    run() {
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
        env: { ...process.env, NODE_ENV: "test" },
      });
      const summary = readFileSync(tap, "utf8");
      const count = (key: string) => Number(new RegExp(`^# ${key} (\\d+)$`, "m").exec(summary)?.[1] ?? 0);
      const failed = count("fail") + count("cancelled");
      // A crash of the runner itself must not read as green.
      return { passed: count("pass"), failed: failed === 0 && result.status !== 0 ? 1 : failed };
    },
  };
}

const tiers: Tier[] = [
  check("generate:check", process.execPath, ["--import", "tsx", "scripts/generate-check.ts"]),
  check("spec:verify", process.execPath, ["--import", "tsx", "scripts/verify-checksums.ts"]),
  check("typecheck", process.execPath, [fromRoot("node_modules", "typescript", "bin", "tsc"), "-p", "."]),
  check("lint", fromRoot("node_modules", ".bin", "biome"), ["check", "."]),
  nodeTests("unit", /\.test\.ts$/, { exclude: /\.int\.test\.ts$/ }),
  nodeTests("events", /\.int\.test\.ts$/, { roots: ["impl/events", "impl/relay"], netns: "events" }),
  nodeTests("sip", /\.int\.test\.ts$/, { roots: ["impl/engine/sip"], netns: "sip" }),
  nodeTests("conformance", /\.int\.test\.ts$/, {
    roots: ["conformance"],
    exclude: /[\\/]conformance[\\/]mutation[\\/]/,
    netns: "conformance",
  }),
  // The suite against the gateway behind a proxy injecting one fault at a time (conformance/mutation).
  nodeTests("mutation", /\.int\.test\.ts$/, { roots: ["conformance/mutation"], netns: "mutation" }),
  nodeTests("e2e", /\.int\.test\.ts$/, { roots: ["impl/engine/media", "impl/e2e"], netns: "e2e" }),
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

const total: Outcome = { passed: 0, failed: 0 };
const lines: string[] = [];
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
console.log(`\n${lines.join("\n")}`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exitCode = total.failed === 0 ? 0 : 1;
