import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeTelephoneEvent, digitOfEvent, encodeTelephoneEvent, eventOfDigit } from "./telephone-event.ts";

describe("RFC 4733 telephone-event payloads", () => {
  it("decodes event, end bit, volume and duration (§2.3)", () => {
    assert.deepEqual(decodeTelephoneEvent(Uint8Array.from([5, 0x8a, 0x03, 0x20])), {
      event: 5,
      end: true,
      volume: 10,
      duration: 800,
    });
  });

  it("round-trips what it encodes", () => {
    const e = { event: 11, end: false, volume: 63, duration: 65535 };
    assert.deepEqual(decodeTelephoneEvent(encodeTelephoneEvent(e)), e);
  });

  it("refuses a payload that is not whole 4-byte events", () => {
    assert.equal(decodeTelephoneEvent(new Uint8Array(3)), undefined);
    assert.equal(decodeTelephoneEvent(new Uint8Array(6)), undefined);
  });

  const keys: [string, number][] = [
    ["0", 0],
    ["9", 9],
    ["*", 10],
    ["#", 11],
    ["A", 12],
    ["D", 15],
  ];
  for (const [digit, code] of keys)
    it(`maps ${digit} to event ${code} and back (§3.2)`, () => {
      assert.equal(eventOfDigit(digit), code);
      assert.equal(digitOfEvent(code), digit);
    });

  it("has no event for other characters", () => assert.throws(() => eventOfDigit("x")));
});
