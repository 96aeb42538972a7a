import type { Pool } from "pg";
import { EVENTS_MIGRATION } from "./postgres-events-migration.ts";
import { SEQUENCE_CAS_MIGRATION } from "./postgres-sequence-migration.ts";

/** One schema change, applied once, in version order, in a transaction of its own. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The PostgreSQL schema, as versioned steps. A step is never edited once released: a change is a
 * new step. Each table keeps the key, the columns the finders query (computed by the store from the
 * record) and the record as JSON text, as in the SQLite store. Keys compare byte by byte (COLLATE
 * "C"), as SQLite's BINARY does, whatever the cluster's locale: `expires_at <= $1` orders ISO times.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "registrations, sessions and subscriptions",
    sql: `
      CREATE TABLE registrations (
        id text COLLATE "C" PRIMARY KEY,
        owner text COLLATE "C" NOT NULL,
        device_id text COLLATE "C" NOT NULL,
        expires_at text COLLATE "C" NOT NULL,
        data text NOT NULL,
        seq bigserial NOT NULL);
      CREATE INDEX registrations_owner_device ON registrations (owner, device_id);
      CREATE INDEX registrations_expires_at ON registrations (expires_at);
      CREATE TABLE sessions (
        id text COLLATE "C" PRIMARY KEY,
        owner text COLLATE "C" NOT NULL,
        registration_id text COLLATE "C" NOT NULL,
        client_correlator text COLLATE "C",
        data text NOT NULL,
        seq bigserial NOT NULL);
      CREATE INDEX sessions_owner_correlator ON sessions (owner, client_correlator);
      CREATE INDEX sessions_registration_id ON sessions (registration_id);
      CREATE TABLE subscriptions (
        id text COLLATE "C" PRIMARY KEY,
        owner text COLLATE "C" NOT NULL,
        registration_id text COLLATE "C",
        data text NOT NULL,
        seq bigserial NOT NULL);
      CREATE INDEX subscriptions_owner ON subscriptions (owner);
      CREATE INDEX subscriptions_registration_id ON subscriptions (registration_id);
    `,
  },
  {
    version: 2,
    name: "camara_apply_writes: a batch of writes in call order, in one statement",
    // One round trip and one commit for a batch of writes (postgres-write-queue.ts). Each op is
    // {o: "put"|"delete", t: table, id, c: [indexed columns], d: record JSON}; the result has one
    // element per op: whether a delete removed a row (null for a put). A put is an upsert (safe
    // when nodes write one row at once) that moves the row to the end of the finders' order (seq),
    // as SQLite's INSERT OR REPLACE gives the row a new rowid.
    sql: `
      CREATE FUNCTION camara_apply_writes(ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        op jsonb;
        n bigint;
        results jsonb := '[]'::jsonb;
      BEGIN
        FOR op IN SELECT value FROM jsonb_array_elements(ops) LOOP
          IF op->>'o' = 'delete' THEN
            CASE op->>'t'
              WHEN 'registrations' THEN DELETE FROM registrations WHERE id = op->>'id';
              WHEN 'sessions' THEN DELETE FROM sessions WHERE id = op->>'id';
              WHEN 'subscriptions' THEN DELETE FROM subscriptions WHERE id = op->>'id';
            END CASE;
            GET DIAGNOSTICS n = ROW_COUNT;
            results := results || to_jsonb(n > 0);
          ELSE
            CASE op->>'t'
              WHEN 'registrations' THEN
                INSERT INTO registrations (id, owner, device_id, expires_at, data)
                VALUES (op->>'id', op->'c'->>0, op->'c'->>1, op->'c'->>2, op->>'d')
                ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, device_id = EXCLUDED.device_id,
                  expires_at = EXCLUDED.expires_at, data = EXCLUDED.data, seq = DEFAULT;
              WHEN 'sessions' THEN
                INSERT INTO sessions (id, owner, registration_id, client_correlator, data)
                VALUES (op->>'id', op->'c'->>0, op->'c'->>1, op->'c'->>2, op->>'d')
                ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner,
                  registration_id = EXCLUDED.registration_id,
                  client_correlator = EXCLUDED.client_correlator, data = EXCLUDED.data, seq = DEFAULT;
              WHEN 'subscriptions' THEN
                INSERT INTO subscriptions (id, owner, registration_id, data)
                VALUES (op->>'id', op->'c'->>0, op->'c'->>1, op->>'d')
                ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner,
                  registration_id = EXCLUDED.registration_id, data = EXCLUDED.data, seq = DEFAULT;
            END CASE;
            results := results || 'null'::jsonb;
          END IF;
        END LOOP;
        RETURN results;
      END
      $fn$;
    `,
  },
  {
    version: 3,
    name: "dialogs: the SIP dialog of each call leg in progress (restart recovery)",
    // The engine's dialog state per media session (records.ts DialogRecord), and the batch function
    // of version 2 with the table added.
    sql: `
      CREATE TABLE dialogs (
        id text COLLATE "C" PRIMARY KEY,
        call_id text COLLATE "C" NOT NULL,
        data text NOT NULL,
        seq bigserial NOT NULL);
      CREATE OR REPLACE FUNCTION camara_apply_writes(ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
      DECLARE
        op jsonb;
        n bigint;
        results jsonb := '[]'::jsonb;
      BEGIN
        FOR op IN SELECT value FROM jsonb_array_elements(ops) LOOP
          IF op->>'o' = 'delete' THEN
            CASE op->>'t'
              WHEN 'registrations' THEN DELETE FROM registrations WHERE id = op->>'id';
              WHEN 'sessions' THEN DELETE FROM sessions WHERE id = op->>'id';
              WHEN 'subscriptions' THEN DELETE FROM subscriptions WHERE id = op->>'id';
              WHEN 'dialogs' THEN DELETE FROM dialogs WHERE id = op->>'id';
            END CASE;
            GET DIAGNOSTICS n = ROW_COUNT;
            results := results || to_jsonb(n > 0);
          ELSE
            CASE op->>'t'
              WHEN 'registrations' THEN
                INSERT INTO registrations (id, owner, device_id, expires_at, data)
                VALUES (op->>'id', op->'c'->>0, op->'c'->>1, op->'c'->>2, op->>'d')
                ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner, device_id = EXCLUDED.device_id,
                  expires_at = EXCLUDED.expires_at, data = EXCLUDED.data, seq = DEFAULT;
              WHEN 'sessions' THEN
                INSERT INTO sessions (id, owner, registration_id, client_correlator, data)
                VALUES (op->>'id', op->'c'->>0, op->'c'->>1, op->'c'->>2, op->>'d')
                ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner,
                  registration_id = EXCLUDED.registration_id,
                  client_correlator = EXCLUDED.client_correlator, data = EXCLUDED.data, seq = DEFAULT;
              WHEN 'subscriptions' THEN
                INSERT INTO subscriptions (id, owner, registration_id, data)
                VALUES (op->>'id', op->'c'->>0, op->'c'->>1, op->>'d')
                ON CONFLICT (id) DO UPDATE SET owner = EXCLUDED.owner,
                  registration_id = EXCLUDED.registration_id, data = EXCLUDED.data, seq = DEFAULT;
              WHEN 'dialogs' THEN
                INSERT INTO dialogs (id, call_id, data)
                VALUES (op->>'id', op->'c'->>0, op->>'d')
                ON CONFLICT (id) DO UPDATE SET call_id = EXCLUDED.call_id, data = EXCLUDED.data,
                  seq = DEFAULT;
            END CASE;
            results := results || 'null'::jsonb;
          END IF;
        END LOOP;
        RETURN results;
      END
      $fn$;
    `,
  },
  EVENTS_MIGRATION,
  {
    version: 6,
    name: "dialogs by Call-ID: a cluster node finds the dialog of an in-dialog request it does not carry",
    sql: "CREATE INDEX dialogs_call_id ON dialogs (call_id);",
  },
  SEQUENCE_CAS_MIGRATION,
];

/** Any constant: the advisory lock held while one node migrates, so that nodes starting together take turns. */
const MIGRATION_LOCK = 0x63616d61;

/**
 * Brings the database to the latest schema: creates `schema_migrations` when missing, then applies,
 * each in its own transaction, the steps whose version it does not list. Under a transaction-level
 * advisory lock, so gateways starting at once apply each step once.
 * @returns the versions applied now.
 */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  // Two steps of one version: the second would be taken as applied and silently never run.
  const versions = migrations.map((m) => m.version);
  const repeated = versions.filter((v, i) => versions.indexOf(v) !== i);
  if (repeated.length > 0) throw new Error(`migration versions listed twice: ${repeated.join(", ")}`);
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const done = await client.query<{ version: number }>("SELECT version FROM schema_migrations");
    const known = new Set(done.rows.map((r) => r.version));
    await client.query("COMMIT");
    for (const step of [...migrations].sort((a, b) => a.version - b.version)) {
      if (known.has(step.version)) continue;
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      // Another node may have applied it while this one waited for the lock.
      const again = await client.query("SELECT 1 FROM schema_migrations WHERE version = $1", [step.version]);
      if (again.rowCount === 0) {
        await client.query(step.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
          step.version,
          step.name,
        ]);
        applied.push(step.version);
      }
      await client.query("COMMIT");
    }
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return applied;
}
