/**
 * The PostgreSQL store against a private server (scripts/lab/postgres.ts) on loopback: the shared
 * store contract, then what only a server can show: migrations, several nodes, a crash of the
 * server after acknowledged writes, an outage and the recovery.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { StoreUnavailableError } from "camara-webrtc-runtime";
import pg from "pg";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { MIGRATIONS, migrate } from "./postgres-migrations.ts";
import { openPostgresStore, type PostgresStore } from "./postgres-store.ts";
import { registration, storeContract } from "./testing/store-contract.ts";

let lab: PostgresLab;
let databases = 0;
const urls = new WeakMap<object, string>();

before(async () => {
  lab = await startPostgres();
});
after(async () => {
  await lab?.close();
});

async function freshDatabase(): Promise<string> {
  return lab.createDatabase(`contract_${process.pid}_${++databases}`);
}

async function open(url: string, timeoutMs = 2000): Promise<PostgresStore> {
  const store = await openPostgresStore({ url, poolSize: 4, timeoutMs });
  urls.set(store, url);
  return store;
}

storeContract("PostgreSQL", {
  fresh: async () => open(await freshDatabase()),
  same: async (store) => open(urls.get(store) ?? ""),
  async poison(store) {
    await (store as PostgresStore).reads.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.device_id = 'poison' THEN RAISE EXCEPTION 'poisoned write'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON registrations
      FOR EACH ROW EXECUTE FUNCTION refuse_poison();`);
  },
  sharedByNodes: true,
});

describe("PostgreSQL store", () => {
  it("runs its migrations once, recorded in schema_migrations, even when nodes start together", async () => {
    const url = await freshDatabase();
    const stores = await Promise.all([open(url), open(url), open(url)]);
    const pool = new pg.Pool({ connectionString: url });
    try {
      const { rows } = await pool.query<{ version: number }>(
        "SELECT version FROM schema_migrations ORDER BY version",
      );
      assert.deepEqual(
        rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
      assert.deepEqual(await migrate(pool), [], "nothing left to apply");
    } finally {
      await pool.end();
      for (const store of stores) await store.close();
    }
  });

  it("groups the writes made while a batch is in flight into the next batch, in call order", async () => {
    const store = await open(await freshDatabase());
    try {
      const writes = Array.from({ length: 600 }, (_, i) => store.registrations.put(registration(`reg-${i}`)));
      assert.equal(store.writes.queued, 600, "queued at the call, sent on the next turn");
      await Promise.all(writes);
      const all = await store.registrations.listExpiredBy("2030-01-01T00:00:00.000Z");
      assert.deepEqual(
        all.map((r) => r.registrationId),
        Array.from({ length: 600 }, (_, i) => `reg-${i}`),
      );
    } finally {
      await store.close();
    }
  });

  it("keeps every acknowledged write through a crash of the server (immediate shutdown, WAL recovery)", async () => {
    const url = await freshDatabase();
    // Recovery then replays this test's writes only, not the databases the other tests created.
    const admin = new pg.Client({ connectionString: lab.url() });
    await admin.connect();
    await admin.query("CHECKPOINT");
    await admin.end();
    const store = await open(url);
    const acknowledged: string[] = [];
    const failed: unknown[] = [];
    let crashed: Promise<void> | undefined;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; i < 400; i++) {
        const id = `reg-${w}-${i}`;
        try {
          await store.registrations.put(registration(id));
          acknowledged.push(id);
          if (acknowledged.length === 300) crashed = lab.crash();
        } catch (error) {
          failed.push(error);
          return;
        }
      }
    });
    await Promise.all(writers);
    await crashed;
    await store.close();
    assert.ok(acknowledged.length >= 300);
    assert.ok(failed.length > 0, "writes in flight at the crash failed");
    for (const error of failed) assert.ok(error instanceof StoreUnavailableError, String(error));
    await lab.start();
    const reopened = await open(url);
    try {
      const missing: string[] = [];
      for (const id of acknowledged) if (!(await reopened.registrations.get(id))) missing.push(id);
      assert.deepEqual(missing, []);
    } finally {
      await reopened.close();
    }
  });

  it("fails with StoreUnavailableError while the server is down, pings false, and recovers when it is back", async () => {
    const store = await open(await freshDatabase(), 1000);
    try {
      await store.registrations.put(registration("reg-1"));
      await lab.stop();
      assert.equal(await store.ping(), false);
      await assert.rejects(store.registrations.get("reg-1"), StoreUnavailableError);
      await assert.rejects(store.registrations.put(registration("reg-2")), StoreUnavailableError);
      await assert.rejects(store.registrations.delete("reg-1"), StoreUnavailableError);
      await assert.rejects(store.subscriptions.listByOwner("+34600000001"), StoreUnavailableError);
      await lab.start();
      assert.equal(await store.ping(), true);
      await store.registrations.put(registration("reg-3"));
      assert.deepEqual(await store.registrations.get("reg-1"), registration("reg-1"));
      assert.equal(await store.registrations.get("reg-2"), undefined, "the refused write is not there");
      assert.deepEqual(await store.registrations.get("reg-3"), registration("reg-3"));
    } finally {
      await store.close();
    }
  });

  it("a write held up past the timeout fails with StoreUnavailableError, rolled back by the server", async () => {
    const url = await freshDatabase();
    const store = await open(url, 500);
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await store.registrations.put(registration("reg-1"));
      await blocker.query("BEGIN");
      await blocker.query("SELECT 1 FROM registrations WHERE id = 'reg-1' FOR UPDATE");
      const changed = registration("reg-1", { expiresAt: "2031-01-01T00:00:00.000Z" });
      await assert.rejects(store.registrations.put(changed), StoreUnavailableError);
      await blocker.query("COMMIT");
      assert.deepEqual(
        await store.registrations.get("reg-1"),
        registration("reg-1"),
        "cancelled, not applied",
      );
      await store.registrations.put(changed);
      assert.deepEqual(await store.registrations.get("reg-1"), changed);
    } finally {
      await blocker.end();
      await store.close();
    }
  });

  it("refuses to open with StoreUnavailableError when no server answers", async () => {
    const url = lab.url("postgres").replace(`:${lab.port}/`, ":1/");
    await assert.rejects(openPostgresStore({ url, timeoutMs: 1000 }), StoreUnavailableError);
  });

  it("refuses writes after close, with StoreUnavailableError", async () => {
    const store = await open(await freshDatabase());
    const pending = store.registrations.put(registration("reg-1"));
    await store.close();
    await pending;
    await assert.rejects(store.registrations.put(registration("reg-2")), StoreUnavailableError);
  });
});
