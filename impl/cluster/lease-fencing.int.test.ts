/**
 * Fencing on a real PostgreSQL: a node whose internal channel refuses connections has its lease
 * ended by the node that saw it (NodeRegistry.fence), only the lease that was read, never one
 * renewed since; the fenced node, if it lives on, hears of it at its next heartbeat and forgets what
 * it held (its lease generation changes).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import pg from "pg";
import { freePort } from "../../scripts/lab/free-port.ts";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { migrate } from "../store/postgres-migrations.ts";
import { CLUSTER_MIGRATIONS } from "./cluster-migrations.ts";
import { openClusterNode } from "./cluster-node.ts";
import { createNodeRegistry } from "./node-registry.ts";

const quiet = { info: () => undefined, warn: () => undefined };

describe("fencing a node's lease (real PostgreSQL)", () => {
  let lab: PostgresLab;
  let pool: pg.Pool;

  before(async () => {
    lab = await startPostgres();
    pool = new pg.Pool({ connectionString: await lab.createDatabase("lease_fencing"), max: 4 });
    pool.on("error", () => undefined);
    await migrate(pool, CLUSTER_MIGRATIONS);
  });
  after(async () => {
    await pool?.end();
    await lab?.close();
  });

  const registry = (nodeId: string, leaseMs = 60_000) =>
    createNodeRegistry(pool, { nodeId, internalUrl: `http://127.0.0.1:1/${nodeId}`, leaseMs });

  it("ends the lease it read at once, so the node's call is claimed by another without waiting for the expiry", async () => {
    const dead = registry("fence-dead");
    const survivor = registry("fence-survivor");
    assert.equal(await dead.heartbeat(), false, "a first lease is no lapse");
    await survivor.heartbeat();
    await dead.own("m-fence-1", "session");
    const owner = await survivor.owner("m-fence-1");
    assert.equal(owner.kind, "alive");
    if (owner.kind !== "alive") return;
    assert.equal(await survivor.claim("m-fence-1", "session"), false, "a live node's call is not claimed");
    assert.equal(await survivor.fence(owner.nodeId, owner.lease), true);
    assert.deepEqual(await survivor.owner("m-fence-1"), { kind: "dead", nodeId: "fence-dead" });
    assert.equal(await survivor.claim("m-fence-1", "session"), true);
    assert.equal(await survivor.fence(owner.nodeId, owner.lease), false, "an ended lease is not ended twice");
  });

  it("leaves alone a lease renewed after it was read (the node restarted under the same NODE_ID)", async () => {
    const node = registry("fence-restarted");
    const other = registry("fence-other");
    await node.heartbeat();
    await other.heartbeat();
    await node.own("m-fence-2", "session");
    const read = await other.owner("m-fence-2");
    assert.equal(read.kind, "alive");
    if (read.kind !== "alive") return;
    // The refusal was seen; meanwhile the node came back and renewed its lease.
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await node.heartbeat(), false);
    assert.equal(await other.fence(read.nodeId, read.lease), false);
    assert.equal((await other.owner("m-fence-2")).kind, "alive");
    assert.equal(await other.claim("m-fence-2", "session"), false);
  });

  it("never fences its own lease", async () => {
    const node = registry("fence-self");
    await node.heartbeat();
    await node.own("m-fence-3", "session");
    const { rows } = await pool.query<{ lease: string }>(
      "SELECT lease_until::text AS lease FROM cluster_nodes WHERE node_id = 'fence-self'",
    );
    assert.equal(await node.fence("fence-self", rows[0]?.lease as string), false);
  });

  it("lets a fenced node that lives on hear of it at its next heartbeat: the lapse is reported and its lease generation changes, so it forgets what it held", async () => {
    const internalPort = await freePort();
    const leaseMs = 1500;
    const node = await openClusterNode(
      pool,
      {
        nodeId: "fence-alive",
        secret: randomBytes(32).toString("hex"),
        internalHost: "127.0.0.1",
        internalPort,
        internalUrl: `http://127.0.0.1:${internalPort}`,
        leaseMs,
        heartbeatMs: leaseMs / 3,
      },
      quiet,
    );
    try {
      await node.start(
        async () => undefined,
        async () => undefined,
      );
      assert.equal(node.leaseGeneration(), 0);
      await node.registry.own("m-fence-4", "session");
      const other = registry("fence-watcher");
      await other.heartbeat();
      const owner = await other.owner("m-fence-4");
      assert.ok(owner.kind === "alive" && (await other.fence(owner.nodeId, owner.lease)));
      const deadline = Date.now() + 3 * leaseMs;
      while (node.leaseGeneration() === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(node.leaseGeneration(), 1, "the next heartbeat found its lease ended");
      assert.equal((await other.owner("m-fence-4")).kind, "alive", "its lease taken again");
    } finally {
      await node.stop();
    }
  });
});
