/**
 * Version 7 of the PostgreSQL schema: `camara_apply_writes` (version 4) takes a sessions put made
 * conditional on the stored record's sequenceNumber (`Store.sessions.putIfSequence`): an op with a
 * key `x` is written only if the stored `info.sequenceNumber` (absent counts as 0) equals `x`, or,
 * with `x` null, only if no session of that id is stored; its result is whether it was written.
 * Under READ COMMITTED an UPDATE that waited for another node's commit on the row checks its WHERE
 * again (PostgreSQL manual, 13.2.1: "The search condition of the command (the WHERE clause) is
 * re-evaluated to see if the updated version of the row still matches the search condition"), so two
 * nodes that read one sequenceNumber cannot both write the next. It also hands ops of table
 * `cluster_ownership` to `camara_apply_cluster_op` (cluster migration 102), so that a cluster node
 * records which registrations and calls it carries in the same group commit as the store's writes; a
 * gateway that is not a cluster node never sends such an op, and PL/pgSQL looks the function up only
 * when the branch runs. The other ops are as in version 4. (Version 5, unreleased, redefined the
 * function for the ownership ops alone; it was folded into this one before release, so the list
 * skips it.)
 */
export const SEQUENCE_CAS_MIGRATION = {
  version: 7,
  name: "sessions put conditional on the stored sequenceNumber",
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
        ELSIF op->>'t' = 'sessions' AND op->>'o' = 'put' AND op->'x' IS NOT NULL THEN
          IF op->'x' = 'null'::jsonb THEN
            INSERT INTO sessions (id, owner, registration_id, client_correlator, data)
            VALUES (op->>'id', op->'c'->>0, op->'c'->>1, op->'c'->>2, op->>'d')
            ON CONFLICT (id) DO NOTHING;
          ELSE
            UPDATE sessions SET owner = op->'c'->>0, registration_id = op->'c'->>1,
              client_correlator = op->'c'->>2, data = op->>'d', seq = DEFAULT
            WHERE id = op->>'id'
              AND coalesce(((data::jsonb)#>>'{info,sequenceNumber}')::numeric, 0) = (op->>'x')::numeric;
          END IF;
          GET DIAGNOSTICS n = ROW_COUNT;
          results := results || to_jsonb(n > 0);
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
