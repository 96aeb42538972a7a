import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { runOnceInCluster } from "./cluster-once.ts";

let lab: PostgresLab;
let pools: pg.Pool[] = [];
before(async () => {
  lab = await startPostgres();
  const url = await lab.createDatabase("once");
  pools = [new pg.Pool({ connectionString: url }), new pg.Pool({ connectionString: url })];
  // A connection the server ends while the file shuts down must not surface after the test as an
  // unhandled 'error' event ("terminating connection due to administrator command", seen under load).
  for (const pool of pools) pool.on("error", () => undefined);
});
after(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await lab?.close();
});

describe("periodic work once across the cluster", () => {
  it("runs a job on one node while another node's turn at it is skipped, and again once it is done", async () => {
    const [a, b] = pools as [pg.Pool, pg.Pool];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const runs: string[] = [];
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const first = runOnceInCluster(a, "sweep", async () => {
      runs.push("a");
      started();
      await held;
    });
    // Wait until node a holds the lock and runs the job (a fixed sleep raced a slow first connection).
    await running;
    assert.equal(await runOnceInCluster(b, "sweep", async () => void runs.push("b")), false);
    assert.equal(await runOnceInCluster(b, "another job", async () => void runs.push("b other")), true);
    release();
    assert.equal(await first, true);
    assert.equal(await runOnceInCluster(b, "sweep", async () => void runs.push("b again")), true);
    assert.deepEqual(runs, ["a", "b other", "b again"]);
  });
});
