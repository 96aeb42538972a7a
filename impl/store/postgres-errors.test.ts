import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StoreUnavailableError } from "camara-webrtc-runtime";
import { classify, isUnavailable } from "./postgres-errors.ts";

/** An error as node-postgres or node's sockets raise it: a message and maybe a code. */
const failure = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe("PostgreSQL errors", () => {
  const cases: [string, { given: unknown; want: boolean }][] = [
    [
      "a refused connection",
      { given: failure("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"), want: true },
    ],
    ["a reset connection", { given: failure("read ECONNRESET", "ECONNRESET"), want: true }],
    ["a lost connection", { given: failure("Connection terminated unexpectedly"), want: true }],
    ["a connect timeout", { given: failure("timeout exceeded when trying to connect"), want: true }],
    ["a client-side query timeout", { given: failure("Query read timeout"), want: true }],
    ["an administrator shutdown (57P01)", { given: failure("terminating connection", "57P01"), want: true }],
    [
      "a server starting up (57P03)",
      { given: failure("the database system is starting up", "57P03"), want: true },
    ],
    [
      "too many connections (53300)",
      { given: failure("sorry, too many clients already", "53300"), want: true },
    ],
    ["a connection exception (08006)", { given: failure("connection failure", "08006"), want: true }],
    [
      "a cancelled statement (57014)",
      { given: failure("canceling statement due to statement timeout", "57014"), want: true },
    ],
    ["a unique violation (23505)", { given: failure("duplicate key", "23505"), want: false }],
    ["a raised exception (P0001)", { given: failure("poisoned write", "P0001"), want: false }],
    ["a syntax error (42601)", { given: failure("syntax error", "42601"), want: false }],
    ["a non-error", { given: "ECONNREFUSED", want: false }],
  ];
  for (const [name, { given, want }] of cases)
    it(`${want ? "counts" : "does not count"} ${name} as an outage`, () =>
      assert.equal(isUnavailable(given), want));

  it("wraps an outage in StoreUnavailableError with its cause, and leaves other errors as they are", () => {
    const refused = failure("connect ECONNREFUSED", "ECONNREFUSED");
    const wrapped = classify(refused);
    assert.ok(wrapped instanceof StoreUnavailableError);
    assert.equal(wrapped.cause, refused);
    const poisoned = failure("poisoned write", "P0001");
    assert.equal(classify(poisoned), poisoned);
    assert.equal(classify(wrapped), wrapped);
  });
});
