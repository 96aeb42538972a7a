import { createHash } from "node:crypto";
import type { Pool } from "pg";

/**
 * Runs periodic work (the expired-registration sweep) on one node of the cluster at a time: under a
 * PostgreSQL advisory lock named after the job, taken without waiting. A node that finds the lock
 * held skips this round (another node is doing it), so each expiry is handled once, not once per node.
 * @returns whether this node ran the job.
 */
export async function runOnceInCluster(
  pool: Pool,
  job: string,
  run: () => Promise<unknown>,
): Promise<boolean> {
  const key = createHash("sha256").update(`camara-cluster-job:${job}`).digest().readBigInt64BE(0);
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      key.toString(),
    ]);
    if (!rows[0]?.locked) return false;
    try {
      await run();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [key.toString()]);
    }
    return true;
  } finally {
    client.release();
  }
}
