import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Engine, EngineListener, SessionEvent } from "../../impl/engine/engine.ts";
import { startSipEngine } from "../../impl/engine/sip/sip-engine.ts";
import { createSqliteStore } from "../../impl/store/index.ts";
import { freePort } from "../lab/free-port.ts";
import type { Lab } from "../lab/lab.ts";
import { runSipp, type SippRun } from "../lab/sipp.ts";

/** The outcome of offering one call rate for a while. */
export interface RateProbe {
  readonly rate: number;
  readonly seconds: number;
  readonly calls: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Seconds from the first INVITE to the end of the last call. */
  readonly wallSeconds: number;
  /** INVITE → 200 OK, ms (gateway only). */
  readonly setupP50Ms?: number;
  readonly setupP99Ms?: number;
  /** Zero failures, every call completed, and no backlog (see {@link sustained}). */
  readonly sustained: boolean;
  readonly note?: string;
}

const CALLEE = "+34911999000";
const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

/**
 * A rate counts as sustained when every call succeeded and the last one ended within the offered
 * window plus one hold time plus 2 s: a system that falls behind builds a backlog and overruns it.
 */
function sustained(p: Omit<RateProbe, "sustained">, holdMs: number): boolean {
  return p.failed === 0 && p.succeeded === p.calls && p.wallSeconds <= p.seconds + holdMs / 1000 + 2;
}

/** The cumulative successful and failed calls of the last row of a SIPp -trace_stat CSV file. */
function sippCounts(file: string): { successful: number; failed: number } {
  if (!existsSync(file)) return { successful: 0, failed: 0 };
  const rows = readFileSync(file, "utf8").trim().split("\n");
  const head = (rows[0] ?? "").split(";");
  const last = (rows.at(-1) ?? "").split(";");
  const column = (name: string) => Number(last[head.indexOf(name)] ?? 0);
  return { successful: column("SuccessfulCall(C)"), failed: column("FailedCall(C)") };
}

/** The benchmark callee: a SIPp UAS behind the lab proxy that answers `calls` calls, then exits. */
async function startCallee(lab: Lab, dir: string, calls: number, timeoutMs: number) {
  const port = await freePort();
  await lab.setPeer(CALLEE, `sip:127.0.0.1:${port};transport=tcp`);
  const stats = join(dir, `uas-${port}.csv`);
  const run = runSipp({
    scenario: "bench-uas.xml",
    remote: `127.0.0.1:${lab.sipPort}`,
    transport: "tcp",
    localPort: port,
    calls,
    timeoutMs,
    extra: ["-trace_stat", "-stf", stats, "-fd", "1"],
  });
  await run.ready;
  return { run, stats };
}

async function finished(run: SippRun, stats: string) {
  const result = await run.done;
  return { code: result.code, ...sippCounts(stats), errors: result.errors.slice(-500) };
}

/** The gateway's SIP engine, in this process, as the caller: CallEngine.originate and terminate. */
export async function gatewayCaller(lab: Lab) {
  // Each call's dialog state is written as the gateway writes it (restart recovery), to a SQLite file.
  const store = createSqliteStore({ file: join(lab.dir, "bench-dialogs.sqlite") });
  const pending = new Map<
    string,
    { started: number; connected?: number; done: (ok: boolean, why?: string) => void }
  >();
  const listener: EngineListener = {
    async sessionChanged(event: SessionEvent) {
      const call = pending.get(event.mediaSessionId);
      if (!call) return;
      if (event.status === "Connected" && call.connected === undefined) {
        call.connected = performance.now();
        call.done(true);
      } else if (event.status !== "Connected") call.done(false, `${event.status}: ${event.reason}`);
    },
    incomingCall: async () => undefined,
    registrationEnded: async () => undefined,
  };
  const started = await startSipEngine({
    transport: "tcp",
    localHost: "127.0.0.1",
    localPort: 0,
    outboundProxy: { host: "127.0.0.1", port: lab.sipPort },
    domain: lab.domain,
    registrationMode: "trunk",
    credentials: () => undefined,
    dialogs: store.dialogs,
  });
  const engine: Engine = started.factory(listener);

  /** Offers `rate` calls/s for `seconds`, each held `holdMs` after its 200 OK, then ended with BYE. */
  async function probe(rate: number, seconds: number, holdMs: number, dir: string): Promise<RateProbe> {
    const total = Math.round(rate * seconds);
    const callee = await startCallee(lab, dir, total, (seconds + 60) * 1000);
    const setup: number[] = [];
    const failures: string[] = [];
    let ended = 0;
    let resolveAll: () => void = () => undefined;
    const allEnded = new Promise<void>((r) => {
      resolveAll = r;
    });
    const finish = () => {
      ended += 1;
      if (ended === total) resolveAll();
    };
    const place = () => {
      const mediaSessionId = randomUUID();
      const call = {
        started: performance.now(),
        done: (ok: boolean, why?: string) => {
          if (!ok) {
            pending.delete(mediaSessionId);
            failures.push(why ?? "failed");
            finish();
            return;
          }
          setup.push(performance.now() - call.started);
          setTimeout(() => {
            pending.delete(mediaSessionId);
            void engine.calls
              .terminate({ mediaSessionId, correlator: "bench" })
              .catch((e: Error) => failures.push(`BYE: ${e.message}`))
              .finally(finish);
          }, holdMs);
        },
      } as { started: number; connected?: number; done: (ok: boolean, why?: string) => void };
      pending.set(mediaSessionId, call);
      engine.calls
        .originate({
          mediaSessionId,
          registrationId: "bench",
          originatorAddress: "tel:+34600000001",
          receiverAddress: `tel:${CALLEE}`,
          originatorName: undefined,
          offerSdp: SDP,
          correlator: "bench",
        })
        .catch((e: Error) => call.done(false, `originate: ${e.message}`));
    };
    const start = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const pacer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
        while (sent < due) {
          place();
          sent += 1;
        }
        if (sent >= total) {
          clearInterval(pacer);
          resolve();
        }
      }, 2);
    });
    // Bounded drain: the calls still in flight get 20 s to finish.
    const drained = await Promise.race([
      allEnded.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 20_000)),
    ]);
    const wallSeconds = (performance.now() - start) / 1000;
    for (const [id, call] of pending) {
      pending.delete(id);
      call.done(false, "no 200 OK within the drain window");
    }
    const uas = await finished(callee.run, callee.stats);
    setup.sort((a, b) => a - b);
    const at = (q: number) =>
      Math.round(setup[Math.min(setup.length - 1, Math.floor(q * setup.length))] ?? 0);
    const result = {
      rate,
      seconds,
      calls: total,
      succeeded: Math.min(setup.length - failures.filter((f) => f.startsWith("BYE")).length, uas.successful),
      failed: failures.length + uas.failed + (uas.code === 0 ? 0 : 1),
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      setupP50Ms: at(0.5),
      setupP99Ms: at(0.99),
      ...(failures.length || !drained || uas.code !== 0
        ? { note: `${failures.slice(0, 3).join("; ")} callee exit ${uas.code} ${uas.errors}`.trim() }
        : {}),
    };
    return { ...result, sustained: sustained(result, holdMs) };
  }

  return {
    probe,
    close: async () => {
      await engine.close();
      await store.close();
    },
  };
}

/** The ceiling: SIPp as the caller (same call, same callee, same proxy) instead of the gateway. */
export async function sippCallerProbe(
  lab: Lab,
  rate: number,
  seconds: number,
  holdMs: number,
  dir: string,
): Promise<RateProbe> {
  const total = Math.round(rate * seconds);
  const timeoutMs = (seconds + 60) * 1000;
  const callee = await startCallee(lab, dir, total, timeoutMs);
  const stats = join(dir, `uac-${rate}-${seconds}.csv`);
  const start = performance.now();
  const uac = runSipp({
    scenario: "bench-uac.xml",
    remote: `127.0.0.1:${lab.sipPort}`,
    transport: "tcp",
    localPort: await freePort(),
    service: CALLEE,
    calls: total,
    rate: { calls: rate, perMs: 1000 },
    limit: 20_000,
    timeoutMs,
    extra: ["-d", String(holdMs), "-trace_stat", "-stf", stats, "-fd", "1"],
  });
  const caller = await finished(uac, stats);
  const wallSeconds = (performance.now() - start) / 1000;
  const uas = await finished(callee.run, callee.stats);
  const result = {
    rate,
    seconds,
    calls: total,
    succeeded: Math.min(caller.successful, uas.successful),
    failed: caller.failed + uas.failed + (caller.code === 0 ? 0 : 1),
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    ...(caller.code !== 0 ? { note: `caller exit ${caller.code} ${caller.errors}` } : {}),
  };
  return { ...result, sustained: sustained(result, holdMs) };
}

/**
 * The highest rate of `rates` that is sustained: short probes up the ladder until one fails, then a
 * full-length run at the best rate (stepping down while a full run fails). Bounded: one probe per
 * rate and one full run per rate at most.
 */
export async function highestSustainedRate(
  rates: readonly number[],
  probeSeconds: number,
  seconds: number,
  run: (rate: number, seconds: number) => Promise<RateProbe>,
  log: (probe: RateProbe) => void,
): Promise<RateProbe | undefined> {
  const passing: number[] = [];
  for (const rate of rates) {
    const probe = await run(rate, probeSeconds);
    log(probe);
    if (!probe.sustained) break;
    passing.push(rate);
  }
  for (const rate of passing.reverse()) {
    const full = await run(rate, seconds);
    log(full);
    if (full.sustained) return full;
  }
  return undefined;
}
