/**
 * Version 5 of the PostgreSQL schema: `camara_apply_writes` (version 4) hands ops of table
 * `cluster_ownership` to `camara_apply_cluster_op`, so that a cluster node records which
 * registrations and calls it carries in the same group commit as the store's writes (one commit per
 * batch rather than one per resource). The function and the table are the cluster's
 * (impl/cluster/cluster-migrations.ts, version 102); a gateway that is not a cluster node never
 * sends such an op, and PL/pgSQL looks the function up only when the branch runs.
 */
export const OWNERSHIP_WRITES_MIGRATION = {
  version: 5,
  name: "cluster ownership ops in the group commit",
  sql: `
    CREATE OR REPLACE FUNCTION camara_apply_writes(ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
    DECLARE
      op jsonb;
      n bigint;
      results jsonb := '[]'::jsonb;
    BEGIN
      FOR op IN SELECT value FROM jsonb_array_elements(ops) LOOP
        IF op->>'t' IN ('event_outbox', 'event_deadlines') THEN
          results := results || camara_apply_event_op(op);
        ELSIF op->>'t' = 'cluster_ownership' THEN
          results := results || camara_apply_cluster_op(op);
        ELSIF op->>'o' = 'delete' THEN
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
} as const;
