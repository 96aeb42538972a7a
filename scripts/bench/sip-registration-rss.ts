import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fetchDevToken } from "../../impl/testing/dev-token.ts";
import { ensureDevCa } from "../dev-ca/dev-ca.ts";
import { freePort } from "../lab/free-port.ts";
import { startLab } from "../lab/lab.ts";
import { fromRoot } from "../lib/paths.ts";

export interface RegistrationRss {
  readonly mode: "per-number";
  readonly registrations: number;
  /** Registrations the registrar held at the end (usrloc). */
  readonly atRegistrar: number;
  readonly failed: number;
  readonly seconds: number;
  readonly rssBeforeKb: number;
  readonly rssAfterKb: number;
  /** Lowest and highest of the five readings behind each median. */
  readonly rssRangesKb: { readonly before: readonly number[]; readonly after: readonly number[] };
  readonly kbPerRegistration: number;
}

const SCOPES = ["webrtc-registration:sessions:create"];

/** VmRSS of a process, KB (Linux /proc). */
function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? Number.NaN);
}

/** The real composition root (impl/server.ts) as a child process, ready once /readyz answers (30 s at most). */
async function startGateway(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", fromRoot("impl/server.ts")], {
    env: { ...process.env, NODE_ENV: "test", HOST: "127.0.0.1", PORT: String(port), ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (
      await fetch(`${baseUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the gateway did not become ready on ${baseUrl}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const token = (phone: string) => fetchDevToken(baseUrl, phone, SCOPES);
  return { child, exited, baseUrl, token };
}

/**
 * The median of five RSS readings 1 s apart: V8 grows and shrinks its heap in steps around garbage
 * collections, so one reading can land on a peak or a trough.
 */
async function settledRssKb(pid: number): Promise<{ median: number; min: number; max: number }> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    readings.push(rssKb(pid));
  }
  readings.sort((a, b) => a - b);
  return { median: readings[2] as number, min: readings[0] as number, max: readings[4] as number };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

/**
 * The gateway process (impl/server.ts, a child process) registers `count` numbers in per-number mode
 * against the lab registrar, which holds a generated subscriber table of the same size. RSS is read
 * from /proc after a warm-up (so that start-up and first-use costs are not counted) and again once
 * every REGISTER was answered (medians of five readings). The process also holds what each
 * registration costs above the SIP layer: the HTTP request, the SQLite row, the verified token.
 */
export async function measureRegistrationRss(options: {
  readonly count: number;
  readonly warmup: number;
  readonly concurrency: number;
  readonly dir: string;
  readonly log: (line: string) => void;
}): Promise<RegistrationRss> {
  const total = options.count + options.warmup;
  // +1555 and 6 digits: E.164, and 10 k of them fit one DEV_PHONE_NUMBERS variable (< 128 KiB).
  const numbers = Array.from({ length: total }, (_, i) => `+1555${String(i).padStart(6, "0")}`);
  const credentials = new Map(numbers.map((n) => [n, `pw-${n.slice(-6)}`]));
  const lab = await startLab({ credentials, children: 2, maxExpiresSec: 3600 });
  const credentialsFile = join(options.dir, "credentials.json");
  writeFileSync(credentialsFile, JSON.stringify(Object.fromEntries(credentials)));
  const gateway = await startGateway({
    ...lab.gatewayEnv("tcp", credentialsFile),
    DEV_CA_DIR: ensureDevCa(fromRoot("data", "dev-ca")).dir,
    DATA_DIR: options.dir,
    LOG_LEVEL: "warn",
    RATE_LIMIT_PER_MINUTE: "0",
    VALIDATE_RESPONSES: "false",
    DEV_PHONE_NUMBERS: numbers.join(","),
  });
  const pid = gateway.child.pid as number;
  let failed = 0;
  const register = async (phone: string) => {
    const token = await gateway.token(phone);
    const res = await fetch(`${gateway.baseUrl}/webrtc-registration/v0.3/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ deviceId: randomUUID() }),
    });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201) {
      if (failed === 0) options.log(`  first failure: ${res.status} ${text.slice(0, 300)}`);
      failed += 1;
    }
  };
  try {
    await pool(numbers.slice(0, options.warmup), options.concurrency, register);
    const before = await settledRssKb(pid);
    const start = performance.now();
    let done = 0;
    await pool(numbers.slice(options.warmup), options.concurrency, async (phone) => {
      await register(phone);
      done += 1;
      if (done % 2000 === 0) options.log(`  ${done} registered, RSS ${rssKb(pid)} KB`);
    });
    const seconds = (performance.now() - start) / 1000;
    const after = await settledRssKb(pid);
    const stats = await lab.kamcmd("stats.get_statistics", "registered_users");
    const atRegistrar = Number(/registered_users\s*=\s*(\d+)/.exec(stats)?.[1] ?? 0);
    return {
      mode: "per-number",
      registrations: options.count,
      atRegistrar,
      failed,
      seconds: Math.round(seconds * 10) / 10,
      rssBeforeKb: before.median,
      rssAfterKb: after.median,
      rssRangesKb: { before: [before.min, before.max], after: [after.min, after.max] },
      kbPerRegistration: Math.round(((after.median - before.median) / options.count) * 100) / 100,
    };
  } finally {
    gateway.child.kill("SIGTERM");
    await Promise.race([gateway.exited, new Promise((r) => setTimeout(r, 5000))]);
    await lab.stop();
  }
}
