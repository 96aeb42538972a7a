import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contactPort, sippCalls } from "./sipp-trace.ts";

const trace = [
  "----------------------------------------------- 2026-12-05 21:32:15.072",
  "TCP message received [512] bytes :",
  "",
  "INVITE sip:127.0.0.1:5080;transport=tcp SIP/2.0",
  "Call-ID: a1",
  "To: <sip:+3491200100@lab.sip.test;user=phone>",
  "Contact: <sip:gw@127.0.0.1:9301;transport=tcp>",
  "",
  "v=0",
  "a=sendrecv",
  "",
  "----------------------------------------------- 2026-12-05 21:32:15.080",
  "TCP message sent (300 bytes):",
  "",
  "SIP/2.0 200 OK",
  "call-id: a1",
  "",
  "----------------------------------------------- 2026-12-05 21:32:15.090",
  "TCP message sent (120 bytes):",
  "",
  "BYE sip:gw@127.0.0.1:9301 SIP/2.0",
  "Call-ID: b2",
  "",
].join("\n");

describe("sippCalls", () => {
  it("groups received and sent messages by Call-ID, with their start line, headers and body", () => {
    const calls = sippCalls(trace);
    assert.deepEqual([...calls.keys()], ["a1", "b2"]);
    const [invite, ok] = calls.get("a1") ?? [];
    assert.equal(invite?.sent, false);
    assert.equal(invite?.startLine, "INVITE sip:127.0.0.1:5080;transport=tcp SIP/2.0");
    assert.equal(invite?.header("to"), "<sip:+3491200100@lab.sip.test;user=phone>");
    assert.match(invite?.body ?? "", /a=sendrecv/);
    assert.equal(ok?.sent, true);
    assert.equal(ok?.startLine, "SIP/2.0 200 OK");
    assert.equal(calls.get("b2")?.[0]?.startLine.startsWith("BYE "), true);
  });

  it("reads the port of a Contact, or none", () => {
    assert.equal(contactPort("<sip:gw@127.0.0.1:9301;transport=tcp>"), 9301);
    assert.equal(contactPort("<sip:gw@127.0.0.1>"), undefined);
    assert.equal(contactPort(undefined), undefined);
  });
});
