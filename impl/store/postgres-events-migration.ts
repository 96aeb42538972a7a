/**
 * Version 4 of the PostgreSQL schema: what event delivery keeps when the gateway runs on PostgreSQL
 * (impl/events/postgres-outbox.ts, impl/store/postgres-deadlines.ts, impl/relay/postgres-relay-store.ts),
 * shared by every node, and `camara_apply_writes` (version 3) taught the outbox and deadline ops so
 * that an event commits in the same statement as the state change it announces, as with SQLite.
 *
 * An appended pending row notifies channel `camara_outbox` with its sink (or '' for a sink too long
 * for a payload: listeners then scan); a relay notification notifies `camara_relay` with
 * `cursor:channelId`. NOTIFY is delivered once the transaction commits (PostgreSQL docs, NOTIFY).
 */
export const EVENTS_MIGRATION = {
  version: 4,
  name: "event outbox, subscription deadlines and the notification relay",
  sql: `
    CREATE TABLE event_outbox (
      seq bigserial PRIMARY KEY,
      event_id text COLLATE "C" NOT NULL UNIQUE,
      subscription_id text COLLATE "C" NOT NULL,
      sink text COLLATE "C" NOT NULL,
      sink_authorization text,
      correlator text NOT NULL,
      body text NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at bigint NOT NULL DEFAULT 0,
      created_at bigint NOT NULL,
      last_error text,
      settled_at bigint);
    CREATE INDEX event_outbox_status ON event_outbox (status, sink, seq);
    CREATE INDEX event_outbox_subscription ON event_outbox (subscription_id);
    CREATE TABLE event_deadlines (
      subscription_id text COLLATE "C" NOT NULL,
      kind text NOT NULL,
      due_at bigint NOT NULL,
      PRIMARY KEY (subscription_id, kind));
    CREATE INDEX event_deadlines_due ON event_deadlines (due_at);
    CREATE TABLE relay_channels (
      id text COLLATE "C" PRIMARY KEY,
      owner text COLLATE "C" NOT NULL,
      sink_token text NOT NULL,
      expires_at bigint NOT NULL,
      last_cursor bigint NOT NULL DEFAULT 0);
    CREATE TABLE relay_events (
      channel_id text COLLATE "C" NOT NULL,
      cursor bigint NOT NULL,
      body text NOT NULL,
      PRIMARY KEY (channel_id, cursor));

    CREATE FUNCTION camara_apply_event_op(op jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
    DECLARE
      n bigint;
    BEGIN
      CASE op->>'o'
        WHEN 'append' THEN
          INSERT INTO event_outbox (event_id, subscription_id, sink, sink_authorization, correlator, body,
            status, created_at)
          VALUES (op->>'eventId', op->>'subscriptionId', op->>'sink', op->>'authorization',
            op->>'correlator', op->>'body', op->>'status', (op->>'createdAt')::bigint)
          RETURNING seq INTO n;
          IF op->>'status' = 'pending' THEN
            PERFORM pg_notify('camara_outbox', CASE WHEN octet_length(op->>'sink') < 7000 THEN op->>'sink' ELSE '' END);
          END IF;
          RETURN to_jsonb(n);
        WHEN 'delivered' THEN
          DELETE FROM event_outbox WHERE seq = (op->>'seq')::bigint;
        WHEN 'retry' THEN
          UPDATE event_outbox SET attempts = (op->>'attempts')::integer,
            next_attempt_at = (op->>'nextAttemptAt')::bigint, last_error = op->>'error'
          WHERE seq = (op->>'seq')::bigint;
        WHEN 'settle' THEN
          UPDATE event_outbox SET status = op->>'status', last_error = op->>'error',
            settled_at = (op->>'at')::bigint
          WHERE seq = (op->>'seq')::bigint;
        WHEN 'drop' THEN
          UPDATE event_outbox SET status = 'dropped', last_error = op->>'error', settled_at = (op->>'at')::bigint
          WHERE subscription_id = op->>'subscriptionId' AND status IN ('pending', 'held');
          GET DIAGNOSTICS n = ROW_COUNT;
          RETURN to_jsonb(n);
        WHEN 'deadline_set' THEN
          INSERT INTO event_deadlines (subscription_id, kind, due_at)
          VALUES (op->>'subscriptionId', op->>'kind', (op->>'dueAt')::bigint)
          ON CONFLICT (subscription_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at;
        WHEN 'deadline_clear' THEN
          DELETE FROM event_deadlines WHERE subscription_id = op->>'subscriptionId'
            AND (op->>'kind' IS NULL OR kind = op->>'kind');
      END CASE;
      RETURN 'null'::jsonb;
    END
    $fn$;

    CREATE OR REPLACE FUNCTION camara_apply_writes(ops jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
    DECLARE
      op jsonb;
      n bigint;
      results jsonb := '[]'::jsonb;
    BEGIN
      FOR op IN SELECT value FROM jsonb_array_elements(ops) LOOP
        IF op->>'t' IN ('event_outbox', 'event_deadlines') THEN
          results := results || camara_apply_event_op(op);
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
