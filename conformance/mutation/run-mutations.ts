import { Writable } from "node:stream";
import type { TargetConfig } from "../config/target-config.ts";
import { runConformance, type ScenarioVerdict } from "../run/run-conformance.ts";
import type { Fault } from "./faults.ts";
import type { MutatingProxy } from "./mutating-proxy.ts";

/** What one fault's run found. */
export interface FaultOutcome {
  readonly fault: Fault;
  /** `file:line name` of each scenario that failed with the fault active. */
  readonly caughtBy: readonly string[];
  readonly durationMs: number;
}

const quiet = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

const label = (v: ScenarioVerdict) => `${v.uri.split("/").at(-1)}:${v.line} ${v.name}`;

/**
 * Scenarios a fault needs to fail before its run stops (the rest are skipped): two tell a fault
 * caught by a single scenario from one caught by several, at a fraction of a full run's time.
 */
export const CATCHES_WANTED = 2;

/** One run of the suite through the proxy; the scenarios that failed (skipped ones aside). */
export async function failingScenarios(
  config: TargetConfig,
  tags: string,
  reportDir: string,
  stopAfterFailures?: number,
) {
  const outcome = await runConformance({
    config,
    tags,
    reportDir,
    stdout: quiet(),
    stderr: quiet(),
    ...(stopAfterFailures !== undefined ? { stopAfterFailures } : {}),
  });
  return {
    failing: outcome.verdicts.filter((v) => v.failing && v.verdict !== "skipped"),
    ran: outcome.verdicts.length,
  };
}

/**
 * Runs the suite once per fault with the proxy telling that lie: API faults against every scenario
 * but the notification ones, notification faults against the `@events` scenarios. A run stops once
 * {@link CATCHES_WANTED} scenarios have failed.
 */
export async function runMutations(
  proxy: MutatingProxy,
  config: TargetConfig,
  faults: readonly Fault[],
  reportDir: string,
  onOutcome: (o: FaultOutcome) => void = () => undefined,
): Promise<FaultOutcome[]> {
  const outcomes: FaultOutcome[] = [];
  for (const fault of faults) {
    const started = performance.now();
    proxy.setFault(fault);
    try {
      const tags = fault.kind === "notifications" ? "@events" : "not @events";
      const { failing } = await failingScenarios(config, tags, reportDir, CATCHES_WANTED);
      const outcome = { fault, caughtBy: failing.map(label), durationMs: performance.now() - started };
      outcomes.push(outcome);
      onOutcome(outcome);
    } finally {
      proxy.setFault(undefined);
    }
  }
  return outcomes;
}

/** The score table: one row per fault, scenarios that caught it, and a flag when only one did. */
export function mutationReport(outcomes: readonly FaultOutcome[]): string {
  const caught = outcomes.filter((o) => o.caughtBy.length > 0);
  const single = outcomes.filter((o) => o.caughtBy.length === 1);
  const lines = outcomes.map((o) => {
    const n = o.caughtBy.length;
    const flag =
      n === 0
        ? "MISSED"
        : n === 1
          ? "caught by ONE scenario only"
          : n >= CATCHES_WANTED
            ? `caught (≥${n} scenarios)`
            : `caught by ${n} scenarios`;
    const shown = o.caughtBy.slice(0, 3).join("; ") + (n > 3 ? `; … ${n - 3} more` : "");
    return `${o.fault.kind.padEnd(13)} | ${o.fault.name.padEnd(36)} | ${flag.padEnd(28)} | ${shown}`;
  });
  return [
    `${"kind".padEnd(13)} | ${"fault".padEnd(36)} | ${"result".padEnd(28)} | scenarios that caught it`,
    ...lines,
    "",
    `mutation score: ${caught.length}/${outcomes.length} faults caught; ${single.length} caught by a single scenario${single.length ? ` (${single.map((o) => o.fault.name).join(", ")})` : ""}`,
    "",
  ].join("\n");
}
