import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BencodeError, type BencodeValue, bdecode, bencode } from "./bencode.ts";

describe("bencode", () => {
  const cases: [string, { value: BencodeValue; wire: string }][] = [
    ["a string as length-prefixed bytes", { value: "ping", wire: "4:ping" }],
    ["an empty string", { value: "", wire: "0:" }],
    ["a multi-byte UTF-8 string by its byte length", { value: "ñ", wire: "2:ñ" }],
    ["a positive integer", { value: 42, wire: "i42e" }],
    ["zero", { value: 0, wire: "i0e" }],
    ["a negative integer", { value: -3, wire: "i-3e" }],
    ["a list", { value: ["a", 1], wire: "l1:ai1ee" }],
    [
      "a dictionary with keys in sorted order",
      { value: { command: "ping", b: 1 }, wire: "d1:bi1e7:command4:pinge" },
    ],
    [
      "nested structures",
      {
        value: { flags: ["trust address"], codec: { strip: ["all"] } },
        wire: "d5:codecd5:stripl3:allee5:flagsl13:trust addressee",
      },
    ],
  ];
  for (const [name, { value, wire }] of cases) {
    it(`encodes ${name}`, () => assert.equal(bencode(value).toString("utf8"), wire));
    it(`decodes ${name}`, () => assert.deepEqual(bdecode(Buffer.from(wire, "utf8")), value));
  }

  it("leaves undefined dictionary members out", () => {
    assert.equal(bencode({ a: "x", b: undefined } as unknown as BencodeValue).toString(), "d1:a1:xe");
  });

  it("refuses to encode a non-integer number", () => {
    assert.throws(() => bencode(1.5), BencodeError);
  });

  const invalid: [string, string][] = [
    ["an empty input", ""],
    ["an unterminated integer", "i42"],
    ["an integer with a leading zero", "i03e"],
    ["negative zero", "i-0e"],
    ["a string longer than the input", "10:abc"],
    ["an unterminated list", "l1:a"],
    ["a dictionary with an integer key", "di1ei2ee"],
    ["trailing bytes", "i1ei2e"],
    ["an unknown type byte", "x"],
  ];
  for (const [name, wire] of invalid) {
    it(`rejects ${name} with a BencodeError`, () => {
      assert.throws(() => bdecode(Buffer.from(wire, "utf8")), BencodeError);
    });
  }

  it("rejects nesting deeper than 64 levels", () => {
    assert.throws(() => bdecode(Buffer.from(`${"l".repeat(100)}${"e".repeat(100)}`)), /nesting too deep/);
  });
});
