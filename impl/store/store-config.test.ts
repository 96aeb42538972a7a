import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../config/config.ts";
import { readStoreConfig, redactDatabaseUrl } from "./store-config.ts";

const URL_OK = "postgres://camara:secret@127.0.0.1:5432/camara";

describe("readStoreConfig", () => {
  const accepted: [string, { env: NodeJS.ProcessEnv; want: ReturnType<typeof readStoreConfig> }][] = [
    ["SQLite by default", { env: {}, want: { kind: "sqlite" } }],
    [
      "SQLite by name, DATABASE_URL ignored",
      { env: { STORE: "sqlite", DATABASE_URL: URL_OK }, want: { kind: "sqlite" } },
    ],
    [
      "PostgreSQL with its defaults",
      {
        env: { STORE: "postgres", DATABASE_URL: URL_OK },
        want: { kind: "postgres", url: URL_OK, poolSize: 10, timeoutMs: 5000 },
      },
    ],
    [
      "PostgreSQL with a pool size and a timeout",
      {
        env: { STORE: "postgres", DATABASE_URL: URL_OK, DATABASE_POOL_SIZE: "3", DATABASE_TIMEOUT_MS: "250" },
        want: { kind: "postgres", url: URL_OK, poolSize: 3, timeoutMs: 250 },
      },
    ],
  ];
  for (const [name, { env, want }] of accepted)
    it(`reads ${name}`, () => assert.deepEqual(readStoreConfig(env), want));

  const refused: [string, { env: NodeJS.ProcessEnv; want: RegExp }][] = [
    ["an unknown STORE", { env: { STORE: "mysql" }, want: /STORE=mysql must be sqlite or postgres\./ }],
    [
      "postgres without DATABASE_URL",
      { env: { STORE: "postgres" }, want: /DATABASE_URL is required with STORE=postgres/ },
    ],
    [
      "a DATABASE_URL of another scheme",
      {
        env: { STORE: "postgres", DATABASE_URL: "mysql://h/db" },
        want: /DATABASE_URL must be postgres:\/\//,
      },
    ],
    [
      "a pool size of 0",
      {
        env: { STORE: "postgres", DATABASE_URL: URL_OK, DATABASE_POOL_SIZE: "0" },
        want: /DATABASE_POOL_SIZE=0 must be an integer from 1/,
      },
    ],
    [
      "a timeout that is not a number",
      {
        env: { STORE: "postgres", DATABASE_URL: URL_OK, DATABASE_TIMEOUT_MS: "soon" },
        want: /DATABASE_TIMEOUT_MS=soon must be an integer/,
      },
    ],
  ];
  for (const [name, { env, want }] of refused)
    it(`refuses ${name}, naming the variable`, () => {
      assert.throws(
        () => readStoreConfig(env),
        (error: unknown) => error instanceof ConfigError && want.test(error.message),
      );
    });

  it("never shows the password of DATABASE_URL", () => {
    assert.equal(redactDatabaseUrl(URL_OK), "postgres://camara:***@127.0.0.1:5432/camara");
    assert.equal(redactDatabaseUrl("not a url"), "(unparsable DATABASE_URL)");
  });
});
