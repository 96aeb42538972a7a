import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError, EnvReader, readAlone } from "./env-reader.ts";

type Read = (r: EnvReader) => unknown;

describe("EnvReader", () => {
  const table: [string, { env: NodeJS.ProcessEnv; read: Read; value: unknown; problems: string[] }][] = [
    [
      "an unset integer as its default",
      { env: {}, read: (r) => r.int("N", 7, 1, 9), value: 7, problems: [] },
    ],
    [
      "an empty integer as its default",
      { env: { N: "" }, read: (r) => r.int("N", 7, 1, 9), value: 7, problems: [] },
    ],
    ["an integer in range", { env: { N: "9" }, read: (r) => r.int("N", 7, 1, 9), value: 9, problems: [] }],
    [
      "an integer out of range",
      {
        env: { N: "10" },
        read: (r) => r.int("N", 7, 1, 9),
        value: 7,
        problems: ["N=10 must be an integer from 1 to 9."],
      },
    ],
    [
      "a fraction",
      {
        env: { N: "1.5" },
        read: (r) => r.int("N", 7, 1, 9),
        value: 7,
        problems: ["N=1.5 must be an integer from 1 to 9."],
      },
    ],
    ["true", { env: { B: "true" }, read: (r) => r.bool("B", false), value: true, problems: [] }],
    ["an unset boolean", { env: {}, read: (r) => r.bool("B", true), value: true, problems: [] }],
    [
      "a boolean spelled yes",
      {
        env: { B: "yes" },
        read: (r) => r.bool("B", true),
        value: false,
        problems: ["B=yes must be true or false."],
      },
    ],
    [
      "a value not among the allowed",
      {
        env: { M: "c" },
        read: (r) => r.oneOf("M", "a", ["a", "b"]),
        value: "a",
        problems: ["M=c must be one of a, b."],
      },
    ],
    ["a list", { env: { L: " x, ,y " }, read: (r) => r.list("L"), value: ["x", "y"], problems: [] }],
    [
      "a missing required URL",
      {
        env: {},
        read: (r) => r.url("U", "for this mode"),
        value: "",
        problems: ["U is required for this mode; set it to an http(s) URL."],
      },
    ],
    [
      "a URL of another scheme",
      {
        env: { U: "ftp://x" },
        read: (r) => r.url("U", "for this mode"),
        value: "ftp://x",
        problems: ["U=ftp://x must be an http(s) URL."],
      },
    ],
    [
      "a missing required value",
      { env: {}, read: (r) => r.required("V", "with X=y"), value: "", problems: ["V is required with X=y."] },
    ],
  ];
  for (const [name, { env, read, value, problems }] of table)
    it(`reads ${name}`, () => {
      const r = new EnvReader(env);
      assert.deepEqual(read(r), value);
      assert.deepEqual(r.problems, problems);
    });

  it("collects the problems of several readers and reports them in one ConfigError", () => {
    const r = new EnvReader({ A: "x", B: "maybe" });
    r.int("A", 1, 0, 2);
    r.bool("B", false);
    assert.throws(
      () => r.check(),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems.length === 2 &&
        error.message ===
          "Invalid configuration:\n  - A=x must be an integer from 0 to 2.\n  - B=maybe must be true or false.",
    );
  });

  it("reads one component alone, throwing its problems", () => {
    assert.equal(
      readAlone((r) => r.int("N", 1, 0, 5), { N: "3" }),
      3,
    );
    assert.throws(() => readAlone((r) => r.int("N", 1, 0, 5), { N: "6" }), ConfigError);
  });
});
