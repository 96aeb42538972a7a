import type { Pool } from "pg";

export type ResourceKind = "registration" | "session";

/** Who carries a resource's SIP state, as the cluster table says. */
export type Owner =
  | { readonly kind: "none" }
  | { readonly kind: "self" }
  | {
      readonly kind: "alive";
      readonly nodeId: string;
      readonly internalUrl: string;
      /** The lease as read (the database's text of `lease_until`): {@link NodeRegistry.fence} ends this one only. */
      readonly lease: string;
    }
  | { readonly kind: "dead"; readonly nodeId: string };

export interface ClaimedResource {
  readonly resourceId: string;
  readonly kind: ResourceKind;
  readonly from: string;
}

/**
 * This node's view of the cluster tables (cluster-migrations.ts): its lease, and which node carries
 * each registration binding and call leg. Every decision about time is the database's `now()`.
 */
export interface NodeRegistry {
  readonly nodeId: string;
  /**
   * Renews this node's lease (inserting its row the first time).
   * @returns whether the lease had lapsed before this renewal (expired, or ended by another node's
   * {@link fence}): what this node held may have been taken over meanwhile.
   */
  heartbeat(): Promise<boolean>;
  /**
   * Ends another node's lease at once, when its death is certain (its internal channel refused the
   * connection: nothing listens there). Only the lease that was read (`lease`, from {@link owner}) is
   * ended: a lease renewed since (the node restarted under the same NODE_ID) is left alone.
   * @returns whether the lease was ended now.
   */
  fence(nodeId: string, lease: string): Promise<boolean>;
  /** Gives the lease up at once (graceful stop): the survivors take over without waiting for it to expire. */
  resign(): Promise<void>;
  /** After resign: whether nothing is left to hand over (this node carries nothing, or no other node is alive to take it). */
  handedOver(): Promise<boolean>;
  owner(resourceId: string): Promise<Owner>;
  /** Records that this node carries the resource now (whoever did before). */
  own(resourceId: string, kind: ResourceKind): Promise<void>;
  /** Takes the resource only if no node or a dead one carries it; whether this node carries it now. */
  claim(resourceId: string, kind: ResourceKind): Promise<boolean>;
  /** Forgets the resource (its binding or call ended), if this node carries it. */
  release(resourceId: string): Promise<void>;
  /** Resources this node carries (start-up reconciliation looks only at these and at unowned ones). */
  carries(resourceId: string): Promise<boolean>;
  /**
   * Takes over up to `limit` resources of nodes whose lease expired. Rows are locked with SKIP
   * LOCKED, so survivors claiming at once split the work and none is taken twice.
   */
  claimFromDeadNodes(limit: number): Promise<ClaimedResource[]>;
  /** Removes dead nodes that carry nothing any more; their names. */
  forgetDeadNodes(): Promise<string[]>;
}

export function createNodeRegistry(
  pool: Pool,
  options: {
    nodeId: string;
    internalUrl: string;
    leaseMs: number;
    /**
     * The store's group commit (PostgresWriteQueue.write): given, `own` and `release` join the
     * batch of the store's writes (store migration 7) instead of committing one statement each.
     */
    write?: (op: string) => Promise<unknown>;
  },
): NodeRegistry {
  const { nodeId, internalUrl, leaseMs, write } = options;
  return {
    nodeId,
    ...nodeLeases(pool, { nodeId, internalUrl, leaseMs }),
    ...resourceOwnership(pool, { nodeId, ...(write ? { write } : {}) }),
  };
}

/** The lease rows (`cluster_nodes`): this node's, and the others' as far as this node judges them. */
function nodeLeases(
  pool: Pool,
  { nodeId, internalUrl, leaseMs }: { nodeId: string; internalUrl: string; leaseMs: number },
): Pick<NodeRegistry, "heartbeat" | "fence" | "resign" | "handedOver" | "forgetDeadNodes"> {
  return {
    async heartbeat() {
      // A renewal only of a current lease, atomic with a fence: whichever commits first, the other
      // sees it (READ COMMITTED re-reads the row it waited for), so a fenced lease is never renewed
      // unnoticed.
      const renewed = await pool.query(
        `UPDATE cluster_nodes SET internal_url = $2, lease_until = now() + $3 * interval '1 millisecond'
          WHERE node_id = $1 AND lease_until > now()`,
        [nodeId, internalUrl, leaseMs],
      );
      if ((renewed.rowCount ?? 0) > 0) return false;
      const { rows } = await pool.query<{ lapsed: boolean }>(
        `INSERT INTO cluster_nodes AS n (node_id, internal_url, lease_until) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
         ON CONFLICT (node_id) DO UPDATE SET internal_url = EXCLUDED.internal_url, lease_until = EXCLUDED.lease_until
         RETURNING NOT (xmax = 0) AS lapsed`,
        [nodeId, internalUrl, leaseMs],
      );
      // xmax = 0: the row was inserted (a first start), not a lapsed lease taken again.
      return rows[0]?.lapsed === true;
    },
    async fence(node, lease) {
      const { rowCount } = await pool.query(
        `UPDATE cluster_nodes SET lease_until = now() - interval '1 millisecond'
          WHERE node_id = $1 AND node_id <> $3 AND lease_until = $2::timestamptz AND lease_until > now()`,
        [node, lease, nodeId],
      );
      return (rowCount ?? 0) > 0;
    },
    async resign() {
      await pool.query(
        "UPDATE cluster_nodes SET lease_until = now() - interval '1 millisecond' WHERE node_id = $1",
        [nodeId],
      );
    },
    async handedOver() {
      const { rows } = await pool.query<{ done: boolean }>(
        `SELECT NOT EXISTS (SELECT 1 FROM cluster_ownership WHERE node_id = $1)
             OR NOT EXISTS (SELECT 1 FROM cluster_nodes WHERE node_id <> $1 AND lease_until > now()) AS done`,
        [nodeId],
      );
      return rows[0]?.done === true;
    },
    async forgetDeadNodes() {
      const { rows } = await pool.query<{ node_id: string }>(
        `DELETE FROM cluster_nodes n WHERE n.lease_until < now() AND n.node_id <> $1
            AND NOT EXISTS (SELECT 1 FROM cluster_ownership o WHERE o.node_id = n.node_id)
         RETURNING n.node_id`,
        [nodeId],
      );
      return rows.map((r) => r.node_id);
    },
  };
}

/** Which node carries each resource (`cluster_ownership`). */
function resourceOwnership(
  pool: Pool,
  { nodeId, write }: { nodeId: string; write?: (op: string) => Promise<unknown> },
): Pick<NodeRegistry, "owner" | "own" | "claim" | "release" | "carries" | "claimFromDeadNodes"> {
  return {
    async owner(resourceId) {
      const { rows } = await pool.query<{
        node_id: string;
        internal_url: string | null;
        alive: boolean | null;
        lease: string | null;
      }>(
        `SELECT o.node_id, n.internal_url, n.lease_until > now() AS alive, n.lease_until::text AS lease
           FROM cluster_ownership o LEFT JOIN cluster_nodes n ON n.node_id = o.node_id
          WHERE o.resource_id = $1`,
        [resourceId],
      );
      const row = rows[0];
      if (!row) return { kind: "none" };
      if (row.node_id === nodeId) return { kind: "self" };
      if (row.alive && row.internal_url && row.lease)
        return { kind: "alive", nodeId: row.node_id, internalUrl: row.internal_url, lease: row.lease };
      return { kind: "dead", nodeId: row.node_id };
    },
    async own(resourceId, kind) {
      if (write) {
        await write(JSON.stringify({ t: "cluster_ownership", o: "own", id: resourceId, kind, node: nodeId }));
        return;
      }
      await pool.query(
        `INSERT INTO cluster_ownership (resource_id, kind, node_id) VALUES ($1, $2, $3)
         ON CONFLICT (resource_id) DO UPDATE SET node_id = EXCLUDED.node_id, since = now()`,
        [resourceId, kind, nodeId],
      );
    },
    async claim(resourceId, kind) {
      const { rowCount } = await pool.query(
        `INSERT INTO cluster_ownership AS o (resource_id, kind, node_id) VALUES ($1, $2, $3)
         ON CONFLICT (resource_id) DO UPDATE SET node_id = EXCLUDED.node_id, since = now()
          WHERE o.node_id = EXCLUDED.node_id
             OR NOT EXISTS (SELECT 1 FROM cluster_nodes n WHERE n.node_id = o.node_id AND n.lease_until > now())`,
        [resourceId, kind, nodeId],
      );
      return (rowCount ?? 0) > 0;
    },
    async release(resourceId) {
      if (write) {
        await write(JSON.stringify({ t: "cluster_ownership", o: "release", id: resourceId, node: nodeId }));
        return;
      }
      await pool.query("DELETE FROM cluster_ownership WHERE resource_id = $1 AND node_id = $2", [
        resourceId,
        nodeId,
      ]);
    },
    async carries(resourceId) {
      const { rowCount } = await pool.query(
        "SELECT 1 FROM cluster_ownership WHERE resource_id = $1 AND node_id = $2",
        [resourceId, nodeId],
      );
      return (rowCount ?? 0) > 0;
    },
    async claimFromDeadNodes(limit) {
      const { rows } = await pool.query<{ resource_id: string; kind: ResourceKind; from_node: string }>(
        // NOT IN, not NOT EXISTS: a row another node claimed after this statement's snapshot is
        // locked in its new version and its conditions checked again (READ COMMITTED); a NOT EXISTS
        // planned as an anti-join is not re-evaluated for it, so the row would be taken a second
        // time, while NOT IN is a filter on the row itself and sees the new, live owner.
        `WITH dead AS (
           SELECT o.resource_id, o.node_id AS from_node FROM cluster_ownership o
            WHERE o.node_id <> $1
              AND o.node_id NOT IN (SELECT n.node_id FROM cluster_nodes n WHERE n.lease_until > now())
            ORDER BY o.since LIMIT $2 FOR UPDATE OF o SKIP LOCKED)
         UPDATE cluster_ownership o SET node_id = $1, since = now() FROM dead
          WHERE o.resource_id = dead.resource_id
         RETURNING o.resource_id, o.kind, dead.from_node`,
        [nodeId, limit],
      );
      return rows.map((r) => ({ resourceId: r.resource_id, kind: r.kind, from: r.from_node }));
    },
  };
}
