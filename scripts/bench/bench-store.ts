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
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresStore } from "../../impl/store/postgres-store.ts";
import { createSqliteStore } from "../../impl/store/sqlite-store.ts";
import type { Store } from "../../impl/store/store.ts";
import { startPostgres } from "../lab/postgres.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const WINDOWS = 4;

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
  const pooled = new Map<string, number[]>(stores.map(([name]) => [name, []]));
  for (let w = 0; w < WINDOWS; w++)
    for (const [name, store] of stores)
      pooled
        .get(name)
        ?.push(...(await window(store, (SECONDS * 1000) / WINDOWS, `${name.replace(" ", "-")}-${w}`)));
  const rows = stores.map(([name]) => {
    const latencies = (pooled.get(name) ?? []).sort((a, b) => a - b);
    return {
      store: name,
      "iterations/s": Math.round(latencies.length / SECONDS),
      "store ops/s": Math.round((latencies.length * 3) / SECONDS),
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
