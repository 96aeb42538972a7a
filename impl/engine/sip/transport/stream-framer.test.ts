import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SipStreamFramer } from "./stream-framer.ts";

const msg = (body: string, lengthHeader = "Content-Length") =>
  `OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nCall-ID: x\r\n${lengthHeader}: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe("SipStreamFramer (RFC 3261 §18.3 framing by Content-Length)", () => {
  it("returns two messages that arrive in one chunk", () => {
    const framer = new SipStreamFramer();
    const out = framer.push(Buffer.from(msg("abc") + msg("")));
    assert.deepEqual(out, { messages: [msg("abc"), msg("")], pings: 0 });
  });

  it("waits for the rest of a body split across chunks, counting bytes not characters", () => {
    const framer = new SipStreamFramer();
    const whole = Buffer.from(msg("héllo wörld"));
    assert.deepEqual(framer.push(whole.subarray(0, 60)).messages, []);
    assert.deepEqual(framer.push(whole.subarray(60, whole.length - 1)).messages, []);
    assert.deepEqual(framer.push(whole.subarray(whole.length - 1)).messages, [msg("héllo wörld")]);
  });

  it("accepts the compact form l: of Content-Length", () => {
    const framer = new SipStreamFramer();
    assert.deepEqual(framer.push(Buffer.from(msg("xy", "l"))).messages, [msg("xy", "l")]);
  });

  it("reports a double-CRLF keep-alive ping between messages (RFC 5626 §4.4.1)", () => {
    const framer = new SipStreamFramer();
    assert.deepEqual(framer.push(Buffer.from(`\r\n\r\n${msg("")}`)), { messages: [msg("")], pings: 1 });
  });

  it("refuses a stream message without Content-Length", () => {
    const framer = new SipStreamFramer();
    assert.throws(
      () => framer.push(Buffer.from("OPTIONS sip:a SIP/2.0\r\nCall-ID: x\r\n\r\n")),
      /Content-Length/,
    );
  });

  it("refuses a message larger than the limit", () => {
    const framer = new SipStreamFramer(100);
    assert.throws(() => framer.push(Buffer.from(msg("x".repeat(200)))), /too large/);
  });
});
