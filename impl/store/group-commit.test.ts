import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startTestGateway } from "../testing/test-gateway.ts";
import { openSqliteDatabase } from "./sqlite-database.ts";

const dir = mkdtempSync(join(tmpdir(), "group-commit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A database with a table `t` whose trigger refuses the value 'poison' (a real SQLite failure). */
function open(name: string) {
  const file = join(dir, name);
  const database = openSqliteDatabase({ file });
  database.db.exec(`
    CREATE TABLE t (v TEXT NOT NULL);
    CREATE TRIGGER t_poison BEFORE INSERT ON t WHEN NEW.v = 'poison'
    BEGIN SELECT RAISE(ABORT, 'poisoned write'); END;
  `);
  const insert = database.db.prepare<[string]>("INSERT INTO t (v) VALUES (?)");
  /** Values as another connection reads them from the file. */
  const durable = () => {
    const reader = new Database(file, { readonly: true });
    try {
      return reader
        .prepare<[], { v: string }>("SELECT v FROM t ORDER BY rowid")
        .all()
        .map((r) => r.v);
    } finally {
      reader.close();
    }
  };
  return { database, insert, durable, file };
}

describe("group commit", () => {
  it("runs the writes of one turn together, in call order, and resolves them once committed", async () => {
    const { database, insert, durable } = open("turn.db");
    const writes = ["a", "b", "c"].map((v) => database.write(() => insert.run(v).changes));
    assert.equal(database.queued, 3, "queued until the end of the turn");
    assert.deepEqual(durable(), [], "nothing is visible before the commit");
    assert.deepEqual(await Promise.all(writes), [1, 1, 1]);
    assert.equal(database.queued, 0);
    assert.deepEqual(durable(), ["a", "b", "c"]);
    database.close();
  });

  it("fails only the write that threw: its savepoint is undone and its batch-mates commit", async () => {
    const { database, insert, durable } = open("isolated.db");
    const first = database.write(() => insert.run("first"));
    const failing = database.write(() => {
      insert.run("half of the failing write");
      insert.run("poison");
    });
    const third = database.write(() => insert.run("third"));
    await assert.rejects(failing, /poisoned write/);
    await first;
    await third;
    assert.deepEqual(durable(), ["first", "third"]);
    database.close();
  });

  it("rejects every write of a batch whose COMMIT fails, and keeps none of them", async () => {
    const { database, insert, durable } = open("commit-fails.db");
    database.db.pragma("foreign_keys = ON");
    database.db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
    `);
    const orphan = database.db.prepare("INSERT INTO child (parent) VALUES (42)");
    // A deferred foreign key is checked at COMMIT: the statement succeeds, the commit does not.
    const writes = [database.write(() => insert.run("innocent")), database.write(() => orphan.run())];
    for (const write of writes) await assert.rejects(write, /FOREIGN KEY constraint failed/);
    assert.deepEqual(durable(), []);
    await database.write(() => insert.run("next turn"));
    assert.deepEqual(durable(), ["next turn"], "the connection goes on after a failed batch");
    database.close();
  });

  it("commits what is queued when a read flushes or the database closes, and refuses writes after close", async () => {
    const { database, insert, durable, file } = open("close.db");
    const write = database.write(() => insert.run("queued"));
    database.flush();
    assert.deepEqual(durable(), ["queued"]);
    await write;
    const last = database.write(() => insert.run("at close"));
    database.close();
    await last;
    const reopened = openSqliteDatabase({ file });
    assert.deepEqual(
      reopened.db
        .prepare<[], { v: string }>("SELECT v FROM t")
        .all()
        .map((r) => r.v),
      ["queued", "at close"],
    );
    reopened.close();
    await assert.rejects(
      database.write(() => undefined),
      /not open/,
    );
  });
});

describe("group commit behind the API", () => {
  it("answers concurrent createRegistration requests once their writes are durable; a failing write answers 500 INTERNAL alone", async () => {
    const file = join(dir, "gateway.db");
    const gw = await startTestGateway({ storeFile: file });
    const poison = "7d444840-9dc0-41d1-b245-00000000dead";
    const setup = new Database(file);
    setup.exec(`CREATE TRIGGER registrations_poison BEFORE INSERT ON registrations WHEN NEW.device_id = '${poison}'
      BEGIN SELECT RAISE(ABORT, 'poisoned write'); END`);
    setup.close();
    try {
      const devices = Array.from(
        { length: 10 },
        (_, i) => `7d444840-9dc0-41d1-b245-${i.toString(16).padStart(12, "0")}`,
      );
      devices[4] = poison;
      const responses = await Promise.all(
        devices.map((deviceId) =>
          gw.request("POST", "/webrtc-registration/v0.3/sessions", { body: { deviceId } }),
        ),
      );
      const bodies = await Promise.all(responses.map((r) => r.json()));
      assert.deepEqual(
        responses.map((r) => r.status),
        devices.map((d) => (d === poison ? 500 : 200)),
      );
      assert.deepEqual(bodies[4], {
        status: 500,
        code: "INTERNAL",
        message: "An internal error occurred; the request may be retried.",
      });
      const reader = new Database(file, { readonly: true });
      const stored = reader
        .prepare<[], { id: string; device_id: string }>("SELECT id, device_id FROM registrations")
        .all();
      reader.close();
      assert.deepEqual(
        new Set(stored.map((r) => r.id)),
        new Set(
          bodies.filter((_, i) => i !== 4).map((b) => (b as { registrationId: string }).registrationId),
        ),
        "every registration answered 200 is in the file, and only those",
      );
    } finally {
      await gw.close();
    }
  });
});
