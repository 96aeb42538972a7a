import type { Migration } from "../store/postgres-migrations.ts";

/**
 * The cluster's tables, applied by {@link import("../store/postgres-migrations.ts").migrate} beside
 * the store's own steps (versions from 101, so the two lists never collide). Times are the
 * database's (`now()`), so nodes' clocks need not agree.
 */
export const CLUSTER_MIGRATIONS: readonly Migration[] = [
  {
    version: 101,
    name: "cluster nodes with their leases, and which node carries each resource's SIP state",
    sql: `
      CREATE TABLE cluster_nodes (
        node_id text COLLATE "C" PRIMARY KEY,
        internal_url text NOT NULL,
        lease_until timestamptz NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE cluster_ownership (
        resource_id text COLLATE "C" PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('registration', 'session')),
        node_id text COLLATE "C" NOT NULL,
        since timestamptz NOT NULL DEFAULT now());
      CREATE INDEX cluster_ownership_node ON cluster_ownership (node_id);
    `,
  },
  {
    version: 102,
    name: "ownership ops of the store's group commit (store version 7)",
    // own: this node carries the resource now, whoever did before (NodeRegistry.own); release: it
    // no longer does, if it still did (NodeRegistry.release), answering whether a row went.
    sql: `
      CREATE FUNCTION camara_apply_cluster_op(op jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        n bigint;
      BEGIN
        CASE op->>'o'
          WHEN 'own' THEN
            INSERT INTO cluster_ownership (resource_id, kind, node_id)
            VALUES (op->>'id', op->>'kind', op->>'node')
            ON CONFLICT (resource_id) DO UPDATE SET node_id = EXCLUDED.node_id, since = now();
            RETURN 'null'::jsonb;
          WHEN 'release' THEN
            DELETE FROM cluster_ownership WHERE resource_id = op->>'id' AND node_id = op->>'node';
            GET DIAGNOSTICS n = ROW_COUNT;
            RETURN to_jsonb(n > 0);
        END CASE;
      END
      $fn$;
    `,
  },
];
