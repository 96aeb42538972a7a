import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readCredentialsFile } from "./sip-credentials.ts";

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "creds-")), "c.json");
  writeFileSync(path, content);
  return path;
};

describe("readCredentialsFile", () => {
  it("reads a password per number and an explicit username", () => {
    const creds = readCredentialsFile(
      file('{"+34600000001":"a","+34600000002":{"username":"bob","password":"b"}}'),
    );
    assert.deepEqual(
      [...creds],
      [
        ["+34600000001", { username: "+34600000001", password: "a" }],
        ["+34600000002", { username: "bob", password: "b" }],
      ],
    );
  });

  const bad: Array<[string, { content: string; want: RegExp }]> = [
    ["not JSON", { content: "nope", want: /not readable JSON/ }],
    ["an array", { content: "[]", want: /object keyed by phone number/ }],
    ["a number not in E.164", { content: '{"600":"x"}', want: /not an E.164 number/ }],
    ["an entry without password", { content: '{"+34600000001":{"username":"a"}}', want: /needs a password/ }],
  ];
  for (const [name, { content, want }] of bad) {
    it(`refuses ${name}, naming the problem`, () =>
      assert.throws(() => readCredentialsFile(file(content)), want));
  }
});
