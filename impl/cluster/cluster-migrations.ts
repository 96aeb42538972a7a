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
];
