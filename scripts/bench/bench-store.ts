#!/usr/bin/env -S node --import tsx
/**
 * `npm run bench:store`: the two stores side by side in one process, without HTTP: SQLite (a file,
 * WAL, synchronous=NORMAL) and PostgreSQL (a private server from scripts/lab/postgres.ts, on
 * loopback). CONNECTIONS concurrent clients each loop on one request's worth of store work: a
 * registration written, read back and deleted (3 operations; the writes acknowledged once committed).
 * SQLite runs twice: synchronous=NORMAL (the default: a commit survives a crash of the process) and
 * FULL (an fsync per commit, as PostgreSQL's synchronous_commit=on: a commit survives a power cut).
 * The stores take turns in short windows (WINDOWS each, BENCH_SECONDS in all per store), so both meet
 * the shared machine's quiet and busy moments alike; only the ratio between them means much.
 *
 * BENCH_LOOP=session-change loops instead on what session-changes.ts does for every call state
 * change (a session read, then written with the next sequenceNumber; 2 operations), each store
 * twice: with a plain put (as before the compare-and-set) and with `sessions.putIfSequence`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "../../impl/store/postgres-store.ts";
import type { SessionRecord } from "../../impl/store/records.ts";
import { createSqliteStore } from "../../impl/store/sqlite-store.ts";
import type { Store } from "../../impl/store/store.ts";
import { startPostgres } from "../lab/postgres.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WINDOWS = 4;
const LOOP = process.env.BENCH_LOOP ?? "registration";
if (LOOP !== "registration" && LOOP !== "session-change")
  throw new Error(`BENCH_LOOP must be registration or session-change, not ${LOOP}`);

/** One session per connection, for the session-change loop. */
function session(id: string, sequenceNumber: number): SessionRecord {
  return {
    mediaSessionId: id,
    owner: "+34600000001",
    registrationId: "reg-1",
    direction: "originating",
    info: { status: "Connected", originatorAddress: "tel:+34600000001", sequenceNumber },
    createdAt: "2029-01-01T00:00:00.000Z",
    updatedAt: "2029-01-01T00:00:00.000Z",
  };
}

/** Runs the session-change loop on `store` for `ms`; returns each iteration's latency, ms. */
async function sessionWindow(store: Store, ms: number, prefix: string, cas: boolean): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      const id = `${prefix}-${c}`;
      await store.sessions.put(session(id, 0));
      while (performance.now() < end) {
        const started = performance.now();
        const read = await store.sessions.get(id);
        const n = read?.info.sequenceNumber ?? 0;
        if (cas) {
          if (!(await store.sessions.putIfSequence(session(id, n + 1), n))) throw new Error(`${id} refused`);
        } else await store.sessions.put(session(id, n + 1));
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

/** Runs the loop on `store` for `ms`; returns each iteration's latency, ms. */
async function window(store: Store, ms: number, prefix: string): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const id = `${prefix}-${n++}`;
        const started = performance.now();
        await store.registrations.put({
          registrationId: id,
          owner: "+34600000001",
          deviceId: id,
          expiresAt: "2030-01-01T00:00:00.000Z",
          createdAt: "2029-01-01T00:00:00.000Z",
          updatedAt: "2029-01-01T00:00:00.000Z",
        });
        if (!(await store.registrations.get(id))) throw new Error(`${id} not read back`);
        await store.registrations.delete(id);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

const dir = mkdtempSync(join(tmpdir(), "bench-store-"));
const lab = await startPostgres();
try {
  const stores: [string, Store][] = [
    ["sqlite", createSqliteStore({ file: join(dir, "bench.db") })],
    // As durable as PostgreSQL's synchronous_commit=on: every commit survives a power cut.
    ["sqlite FULL", createSqliteStore({ file: join(dir, "bench-full.db"), synchronous: "FULL" })],
    ["postgres", await openPostgresStore({ url: await lab.createDatabase("bench") })],
  ];
  type Run = [string, (ms: number, prefix: string) => Promise<number[]>];
  const runs = stores.flatMap(([name, store]): Run[] =>
    LOOP === "registration"
      ? [[name, (ms, prefix) => window(store, ms, prefix)]]
      : [false, true].map(
          (cas): Run => [
            `${name} ${cas ? "putIfSequence" : "put"}`,
            (ms, prefix) => sessionWindow(store, ms, prefix, cas),
          ],
        ),
  );
  const pooled = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  for (let w = 0; w < WINDOWS; w++)
    // Not push(...): a fast store's window holds more latencies than a call has arguments.
    for (const [name, run] of runs)
      pooled.set(
        name,
        (pooled.get(name) ?? []).concat(
          await run((SECONDS * 1000) / WINDOWS, `${name.replaceAll(" ", "-")}-${w}`),
        ),
      );
  const rows = runs.map(([name]) => {
    const latencies = (pooled.get(name) ?? []).sort((a, b) => a - b);
    return {
      store: name,
      "iterations/s": Math.round(latencies.length / SECONDS),
      "store ops/s": Math.round((latencies.length * (LOOP === "registration" ? 3 : 2)) / SECONDS),
      "p50 ms": percentile(latencies, 0.5).toFixed(2),
      "p99 ms": percentile(latencies, 0.99).toFixed(2),
    };
  });
  console.table(rows);
  for (const [, store] of stores) await store.close();
} finally {
  await lab.close();
  rmSync(dir, { recursive: true, force: true });
}
