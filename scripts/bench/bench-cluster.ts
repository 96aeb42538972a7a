#!/usr/bin/env -S node --import tsx
/**
 * `npm run bench:cluster`: what being a cluster costs. The same bounded load - registrations
 * created, refreshed and deleted (ENGINE=offline, so only the gateway, its store and the cluster's
 * coordination work) - against one gateway on PostgreSQL, then against three gateways that are not a
 * cluster (the client spreading its sequences over them: the cost of the spread alone), then against
 * three nodes (NODE_ID) behind haproxy, each on a fresh database of the same PostgreSQL, in one run.
 * For each: idle CPU, then operations per
 * CPU-second of everything that served them (gateway processes, haproxy, and PostgreSQL's postmaster
 * and backends, from /proc), and the cluster's extra CPU per operation (target ≤ 25 %).
 * BENCH_OPERATIONS (default 15000) and BENCH_SECONDS (default 90) bound each measured load; before
 * it, every gateway process gets BENCH_WARMUP operations (default 3000) of the same load, so that
 * each process's code is optimised as in a gateway that has run for a while (three processes
 * warmed by one process's share measured V8's warm-up, not the cluster: +106 % at 3000 operations,
 * +46 % at 30000, for the same three gateways). BENCH_ENGINE=sip runs the same load with the
 * gateways registering at the lab's Kamailio. BENCH_CONNECTIONS (default 10) clients at once;
 * BENCH_LOG_LEVEL (default info: one access-log line per request) the gateways' LOG_LEVEL.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type SpawnedGateway, spawnGateway } from "../../impl/testing/spawn-gateway.ts";
import { freePort } from "../lab/free-port.ts";
import { startHaproxy } from "../lab/haproxy.ts";
import { startLab } from "../lab/lab.ts";
import { startPostgres } from "../lab/postgres.ts";

const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 15000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 90);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** A loaded machine starts a gateway slowly. */
const START_TIMEOUT_MS = 90_000;
const PHONE = "+34600000001";
const SCOPES = [
  "webrtc-registration:sessions:create",
  "webrtc-registration:sessions:write",
  "webrtc-registration:sessions:delete",
];
const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const TICK_SEC = 100; // USER_HZ on Linux
/** The CPU the processes use with no load (timers, health checks, leases) is measured this long. */
const IDLE_MS = 3000;

/** CPU seconds used so far by these processes (utime + stime, plus their reaped children's). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      // After "pid (comm) ": state is field 0; utime 11, stime 12, cutime 13, cstime 14.
      ticks += [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    } catch {
      // exited
    }
  }
  return ticks / TICK_SEC;
}

/** The postmaster and its backends. */
function postgresPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const entry of readdirSync("/proc")) {
    if (!Number.isInteger(Number(entry))) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // exited
    }
  }
  return pids;
}

/**
 * Create, refresh, delete, over CONNECTIONS loops; each sequence is 3 operations, sent to the
 * entries in turn (a sequence's three to the same entry).
 */
async function load(
  entries: readonly string[],
  token: string,
  total = OPERATIONS,
): Promise<{ operations: number; failures: number; seconds: number }> {
  const deadline = Date.now() + SECONDS * 1000;
  let started = 0;
  let operations = 0;
  let failures = 0;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = async (baseUrl: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    operations += 1;
    if (res.status >= 300) failures += 1;
    return text ? (JSON.parse(text) as { registrationId?: string }) : {};
  };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (started + 3 <= total && Date.now() < deadline) {
        const entry = entries[(started / 3) % entries.length] as string;
        started += 3;
        const { registrationId } = await call(entry, "POST", REGISTRATIONS, { deviceId: randomUUID() });
        if (!registrationId) continue;
        await call(entry, "PUT", `${REGISTRATIONS}/${registrationId}`, {});
        await call(entry, "DELETE", `${REGISTRATIONS}/${registrationId}`);
      }
    }),
  );
  return { operations, failures, seconds: (performance.now() - t0) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), "bench-cluster-"));
/**
 * BENCH_ENGINE=sip: the gateways register at the lab's Kamailio (REGISTER with digest for each
 * create, refresh and delete), so the operation has a real cost; Kamailio's CPU is not counted (it is
 * the network, the same for both set-ups).
 */
const engine = process.env.BENCH_ENGINE ?? "offline";
if (engine !== "offline" && engine !== "sip") throw new Error(`BENCH_ENGINE=${engine}: offline or sip`);
const lab =
  engine === "sip" ? await startLab({ credentials: new Map([[PHONE, "bench-secret"]]) }) : undefined;
const credentialsFile = join(dir, "credentials.json");
writeFileSync(credentialsFile, JSON.stringify({ [PHONE]: "bench-secret" }));
const postgres = await startPostgres();
const postmaster = Number(
  readFileSync(join(postgres.dir, "cluster", "postmaster.pid"), "utf8").split("\n")[0],
);
console.log(`engine: ${engine}`);
const common = {
  ...(lab ? lab.gatewayEnv("tcp", credentialsFile) : { ENGINE: "offline" }),
  STORE: "postgres",
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
  DEV_PHONE_NUMBERS: PHONE,
  RATE_LIMIT_PER_MINUTE: "0",
};

/**
 * Transactions committed in the database so far (reads included), as PostgreSQL's statistics say:
 * the count per operation does not depend on how busy the machine is, unlike CPU time. A backend
 * reports its counts when idle, at most once a second, hence the wait.
 */
async function commits(databaseUrl: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 1500));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()",
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function measure(
  name: string,
  gateways: SpawnedGateway[],
  entries: readonly string[],
  extraPids: number[],
  databaseUrl: string,
) {
  const token = await (gateways[0] as SpawnedGateway).token(PHONE, SCOPES);
  await load(entries, token, WARMUP * gateways.length).catch(() => undefined);
  const groups = () => ({
    gateways: cpuSeconds(gateways.map((g) => g.child.pid ?? 0)),
    balancer: cpuSeconds(extraPids),
    postgres: cpuSeconds(postgresPids(postmaster)),
  });
  const idleFrom = groups();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleTo = groups();
  const perSecond = (k: keyof typeof idleTo) => ((idleTo[k] - idleFrom[k]) / (IDLE_MS / 1000)).toFixed(3);
  console.log(
    `${name}, idle: gateways ${perSecond("gateways")}, haproxy ${perSecond("balancer")}, ` +
      `PostgreSQL ${perSecond("postgres")} CPU-s per second`,
  );
  const committedBefore = await commits(databaseUrl);
  const before = groups();
  const result = await load(entries, token);
  const after = groups();
  const committed = (await commits(databaseUrl)) - committedBefore;
  const used = {
    gateways: after.gateways - before.gateways,
    balancer: after.balancer - before.balancer,
    postgres: after.postgres - before.postgres,
  };
  const cpu = used.gateways + used.balancer + used.postgres;
  const perCpuSecond = result.operations / cpu;
  console.log(
    `${name}: ${result.operations} operations (${result.failures} failed) in ${result.seconds.toFixed(1)} s, ` +
      `${cpu.toFixed(2)} CPU-s (gateways ${used.gateways.toFixed(2)}, haproxy ${used.balancer.toFixed(2)}, ` +
      `PostgreSQL ${used.postgres.toFixed(2)}) → ${perCpuSecond.toFixed(0)} operations per CPU-second; ` +
      `${(committed / result.operations).toFixed(2)} PostgreSQL transactions per operation`,
  );
  return { ...result, cpu, perCpuSecond };
}

const nodes: SpawnedGateway[] = [];
try {
  const singleUrl = await postgres.createDatabase("bench_single");
  const single = await spawnGateway(
    {
      ...common,
      DATABASE_URL: singleUrl,
      DATA_DIR: join(dir, "single"),
    },
    START_TIMEOUT_MS,
  );
  nodes.push(single);
  const one = await measure("one gateway", [single], [single.baseUrl], [], singleUrl);
  single.child.kill("SIGTERM");
  await single.exited;

  // What spreading the load over three processes costs by itself: three gateways that are not a
  // cluster (no NODE_ID, no balancer), the client sending each sequence to the next.
  const spreadUrl = await postgres.createDatabase("bench_spread");
  const spread: SpawnedGateway[] = [];
  for (let i = 0; i < 3; i++)
    spread.push(
      await spawnGateway(
        {
          ...common,
          DATABASE_URL: spreadUrl,
          DATA_DIR: join(dir, `spread-${i}`),
          DEV_ISSUER_KEY_FILE: join(dir, "dev-issuer-key.json"),
          DEV_ISSUER_URL: "http://127.0.0.1/dev-issuer",
        },
        START_TIMEOUT_MS,
      ),
    );
  nodes.push(...spread);
  const apart = await measure(
    "three gateways, not a cluster (client spreads)",
    spread,
    spread.map((g) => g.baseUrl),
    [],
    spreadUrl,
  );
  for (const g of spread) g.child.kill("SIGTERM");
  await Promise.all(spread.map((g) => g.exited));

  const databaseUrl = await postgres.createDatabase("bench_cluster");
  const balancerPort = await freePort();
  const secret = randomBytes(32).toString("hex");
  const cluster: SpawnedGateway[] = [];
  for (let i = 0; i < 3; i++)
    cluster.push(
      await spawnGateway(
        {
          ...common,
          DATABASE_URL: databaseUrl,
          NODE_ID: `node-${i}`,
          CLUSTER_SECRET: secret,
          CLUSTER_INTERNAL_PORT: String(await freePort()),
          DATA_DIR: join(dir, `node-${i}`),
          DEV_ISSUER_KEY_FILE: join(dir, "dev-issuer-key.json"),
          DEV_ISSUER_URL: `http://127.0.0.1:${balancerPort}/dev-issuer`,
        },
        START_TIMEOUT_MS,
      ),
    );
  nodes.push(...cluster);
  const balancer = await startHaproxy({
    port: balancerPort,
    backends: cluster.map((n, i) => ({ name: `node-${i}`, port: Number(new URL(n.baseUrl).port) })),
  });
  const three = await measure(
    "three nodes behind haproxy",
    cluster,
    [balancer.baseUrl],
    [balancer.pid],
    databaseUrl,
  );
  await balancer.stop();
  const more = (than: number, of: number) => {
    const percent = (than / of - 1) * 100;
    return `${percent >= 0 ? "+" : ""}${percent.toFixed(1)} %`;
  };
  console.log(
    `cluster CPU per operation: ${more(one.perCpuSecond, three.perCpuSecond)} of one gateway's (target ≤ 25 %); ` +
      `three gateways apart: ${more(one.perCpuSecond, apart.perCpuSecond)}; ` +
      `the cluster's coordination and balancer: ${more(apart.perCpuSecond, three.perCpuSecond)} of three gateways apart`,
  );
} finally {
  for (const node of nodes) if (node.child.exitCode === null) node.child.kill("SIGKILL");
  await Promise.all(nodes.map((n) => n.exited));
  await postgres.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
}
