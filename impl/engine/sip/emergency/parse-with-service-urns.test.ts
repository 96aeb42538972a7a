import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IncomingRequestMessage, IncomingResponseMessage, LoggerFactory } from "../sip-core.ts";
import { parseWithServiceUrns } from "./parse-with-service-urns.ts";

const logger = new LoggerFactory().getLogger("test");
const response = (to: string, from = "<sip:+34600000001@lab.test>;tag=a") =>
  [
    "SIP/2.0 200 OK",
    "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK1",
    `From: ${from}`,
    `To: ${to}`,
    "Call-ID: c1",
    "CSeq: 1 INVITE",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");

describe("parseWithServiceUrns", () => {
  it("parses a response whose To is urn:service:sos, which sip.js's grammar alone cannot", () => {
    const message = parseWithServiceUrns(response("<urn:service:sos>;tag=psap1"), logger);
    assert.ok(message instanceof IncomingResponseMessage);
    assert.equal(message.toTag, "psap1");
    assert.equal(message.to.uri.toString(), "urn:service:sos");
    assert.equal(message.getHeader("To"), "<urn:service:sos>;tag=psap1");
  });

  it("parses the PSAP's in-dialog request whose From is the service URN (compact form f:)", () => {
    const raw = [
      "BYE sip:gw@127.0.0.1:5070;transport=tcp SIP/2.0",
      "Via: SIP/2.0/TCP 127.0.0.1:5080;branch=z9hG4bK2",
      "f: <urn:service:sos.police>;tag=psap1",
      "t: <sip:+34600000001@lab.test>;tag=a",
      "Call-ID: c1",
      "CSeq: 2 BYE",
      "Max-Forwards: 70",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    const message = parseWithServiceUrns(raw, logger);
    assert.ok(message instanceof IncomingRequestMessage);
    assert.equal(message.fromTag, "psap1");
    assert.equal(message.from.uri.toString(), "urn:service:sos.police");
  });

  it("leaves a service URN in the body alone", () => {
    const body = "To: <urn:service:sos>\r\n";
    const raw =
      response("<sip:x@lab.test>;tag=b").replace("Content-Length: 0", `Content-Length: ${body.length}`) +
      body;
    const message = parseWithServiceUrns(raw, logger);
    assert.equal(message?.body, body);
  });

  it("parses any other message as sip.js does", () => {
    const message = parseWithServiceUrns(response("<sip:+34600000002@lab.test>;tag=b"), logger);
    assert.equal(message?.to.uri.toString(), "sip:+34600000002@lab.test");
  });
});
