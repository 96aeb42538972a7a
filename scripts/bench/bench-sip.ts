#!/usr/bin/env -S node --import tsx
/**
 * `npm run bench:sip`: what the SIP side of the gateway sustains, on loopback inside a network
 * namespace of its own (scripts/lib/netns-run.sh; this script re-runs itself inside one).
 *
 * 1. Call rate: the gateway's CallEngine (this process, trunk mode, TCP) places short calls — INVITE
 *    with SDP, 200, ACK, a hold of BENCH_SIP_HOLD_MS, BYE — through the lab Kamailio to a SIPp callee.
 *    The highest rate of BENCH_SIP_RATES with zero failed calls and no backlog over a full
 *    BENCH_SIP_SECONDS run is reported next to the same measurement with SIPp as the caller (the
 *    ceiling of proxy + callee on this machine, measured in the same run). Neither side is
 *    digest-challenged, so both send the same messages.
 * 2. Registrations: the gateway process's RSS before and after registering BENCH_SIP_REGISTRATIONS
 *    numbers in per-number mode (REGISTER with digest) against a generated subscriber table.
 *
 * Targets: at least 200 calls/s with no failure; at most 25 KB RSS per registration. Every loop is
 * bounded in count and time. Results go to reports/bench-sip.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLab } from "../lab/lab.ts";
import { fromRoot } from "../lib/paths.ts";
import { gatewayCaller, highestSustainedRate, type RateProbe, sippCallerProbe } from "./sip-call-rate.ts";
import { measureRegistrationRss, type RegistrationRss } from "./sip-registration-rss.ts";

if (process.env.BENCH_SIP_IN_NETNS !== "1") {
  const result = spawnSync(
    fromRoot("scripts/lib/netns-run.sh"),
    [
      "bench-sip",
      "env",
      "BENCH_SIP_IN_NETNS=1",
      process.execPath,
      "--import",
      "tsx",
      fromRoot("scripts/bench/bench-sip.ts"),
    ],
    { stdio: "inherit" },
  );
  process.exit(result.status ?? 1);
}

const number = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const SECONDS = number("BENCH_SIP_SECONDS", 30);
const PROBE_SECONDS = number("BENCH_SIP_PROBE_SECONDS", 5);
const HOLD_MS = number("BENCH_SIP_HOLD_MS", 1000);
const REGISTRATIONS = number("BENCH_SIP_REGISTRATIONS", 10_000);
const RATES = (process.env.BENCH_SIP_RATES ?? "50,100,200,300,400,600,800,1200,1600,2400")
  .split(",")
  .map(Number)
  .filter((r) => r > 0)
  .sort((a, b) => a - b);
const PARTS = new Set((process.env.BENCH_SIP_PARTS ?? "calls,registrations").split(","));
const TARGET_CPS = 200;
const TARGET_KB = 25;

const dir = mkdtempSync(join(tmpdir(), "bench-sip-"));
const row = (who: string, p: RateProbe) =>
  console.log(
    `  ${who} ${p.rate} calls/s × ${p.seconds} s: ${p.succeeded}/${p.calls} ok, ${p.failed} failed, ` +
      `${p.wallSeconds} s wall${p.setupP99Ms !== undefined ? `, setup p50 ${p.setupP50Ms} ms p99 ${p.setupP99Ms} ms` : ""}` +
      ` → ${p.sustained ? "sustained" : "NOT sustained"}${p.note ? ` (${p.note.slice(0, 300)})` : ""}`,
  );

const report: {
  holdMs: number;
  seconds: number;
  rates: number[];
  gateway?: RateProbe | null;
  sippBaseline?: RateProbe | null;
  /** Every probe and full run, in the order they ran. */
  probes: { gateway: RateProbe[]; sipp: RateProbe[] };
  registrations?: RegistrationRss;
} = { holdMs: HOLD_MS, seconds: SECONDS, rates: RATES, probes: { gateway: [], sipp: [] } };

try {
  if (PARTS.has("calls")) {
    console.log(`Call rate (hold ${HOLD_MS} ms, probes of ${PROBE_SECONDS} s, full runs of ${SECONDS} s)`);
    const lab = await startLab({ credentials: new Map(), children: 4 });
    try {
      const caller = await gatewayCaller(lab);
      try {
        report.gateway =
          (await highestSustainedRate(
            RATES,
            PROBE_SECONDS,
            SECONDS,
            (rate, s) => caller.probe(rate, s, HOLD_MS, dir),
            (p) => {
              report.probes.gateway.push(p);
              row("gateway", p);
            },
          )) ?? null;
      } finally {
        await caller.close();
      }
      report.sippBaseline =
        (await highestSustainedRate(
          RATES,
          PROBE_SECONDS,
          SECONDS,
          (rate, s) => sippCallerProbe(lab, rate, s, HOLD_MS, dir),
          (p) => {
            report.probes.sipp.push(p);
            row("SIPp   ", p);
          },
        )) ?? null;
    } finally {
      await lab.stop();
    }
  }
  if (PARTS.has("registrations")) {
    console.log(`\nRSS for ${REGISTRATIONS} registrations (per-number mode, REGISTER with digest)`);
    report.registrations = await measureRegistrationRss({
      count: REGISTRATIONS,
      warmup: 200,
      concurrency: 50,
      dir,
      log: (line) => console.log(line),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log("\nSummary");
if (report.gateway !== undefined) {
  const g = report.gateway?.rate ?? 0;
  const s = report.sippBaseline?.rate ?? 0;
  console.table([
    {
      caller: "gateway CallEngine",
      "sustained calls/s": g,
      "over s": report.gateway?.seconds ?? "-",
      "setup p99 ms": report.gateway?.setupP99Ms ?? "-",
      [`target ≥ ${TARGET_CPS}`]: g >= TARGET_CPS ? "met" : "NOT met",
    },
    {
      caller: "SIPp (ceiling)",
      "sustained calls/s": s,
      "over s": report.sippBaseline?.seconds ?? "-",
      "setup p99 ms": "-",
      [`target ≥ ${TARGET_CPS}`]: "-",
    },
  ]);
  if (RATES.at(-1) === g || RATES.at(-1) === s)
    console.log(`(the top of BENCH_SIP_RATES was sustained: the real limit is higher)`);
}
if (report.registrations) {
  const r = report.registrations;
  console.table([
    {
      registrations: r.registrations,
      "at registrar": r.atRegistrar,
      failed: r.failed,
      seconds: r.seconds,
      "RSS before KB": `${r.rssBeforeKb} (${r.rssRangesKb.before.join("–")})`,
      "RSS after KB": `${r.rssAfterKb} (${r.rssRangesKb.after.join("–")})`,
      "KB per registration": r.kbPerRegistration,
      [`target ≤ ${TARGET_KB}`]: r.kbPerRegistration <= TARGET_KB && r.failed === 0 ? "met" : "NOT met",
    },
  ]);
}
mkdirSync(fromRoot("reports"), { recursive: true });
writeFileSync(fromRoot("reports", "bench-sip.json"), `${JSON.stringify(report, null, 2)}\n`);
