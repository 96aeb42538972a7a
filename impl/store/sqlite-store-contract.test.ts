import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { createSqliteStore, type SqliteStore } from "./sqlite-store.ts";
import { storeContract } from "./testing/store-contract.ts";

const dir = mkdtempSync(join(tmpdir(), "store-contract-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let databases = 0;

storeContract("SQLite", {
  fresh: async () => createSqliteStore({ file: join(dir, `${++databases}.db`) }),
  same: async (store) => createSqliteStore({ file: (store as SqliteStore).database.file }),
  async poison(store) {
    (store as SqliteStore).database.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON registrations WHEN NEW.device_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned write'); END",
    );
  },
  // One gateway process per file: reads by key are served from a cache of this store's committed rows.
  sharedByNodes: false,
});
