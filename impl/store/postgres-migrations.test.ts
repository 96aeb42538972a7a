import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pool } from "pg";
import { CLUSTER_MIGRATIONS } from "../cluster/cluster-migrations.ts";
import { MIGRATIONS, migrate } from "./postgres-migrations.ts";

describe("PostgreSQL migrations", () => {
  it("refuses a list with a version twice, before touching the database", async () => {
    let connected = false;
    const pool = {
      connect: async () => {
        connected = true;
        throw new Error("not reached");
      },
    } as unknown as Pool;
    const step = { name: "x", sql: "SELECT 1" };
    await assert.rejects(
      migrate(pool, [
        { version: 5, ...step },
        { version: 6, ...step },
        { version: 5, ...step },
      ]),
      /migration versions listed twice: 5/,
    );
    assert.equal(connected, false);
  });

  it("numbers the store's and the cluster's steps apart, each version once", () => {
    const versions = [...MIGRATIONS, ...CLUSTER_MIGRATIONS].map((m) => m.version);
    assert.equal(new Set(versions).size, versions.length);
  });
});
