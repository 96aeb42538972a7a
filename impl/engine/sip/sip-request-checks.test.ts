import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ALLOW } from "./call/dialog-leg.ts";
import { IncomingRequestMessage, LoggerFactory, Parser } from "./sip-core.ts";
import { ALLOW_HEADER, checkIncoming, statelessResponse } from "./sip-request-checks.ts";

const logger = new LoggerFactory().getLogger("test");

function request(
  method: string,
  drop: string[] = [],
  body = "",
  contentLength?: number,
): [IncomingRequestMessage, string] {
  const headers = [
    "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKabc;rport",
    "Max-Forwards: 70",
    "From: <sip:peer@127.0.0.1>;tag=f1",
    "To: <sip:gw@127.0.0.1>",
    "Call-ID: c1@127.0.0.1",
    `CSeq: 1 ${method}`,
    `Content-Length: ${contentLength ?? Buffer.byteLength(body)}`,
  ].filter((h) => !drop.some((d) => h.startsWith(`${d}:`)));
  const raw = [`${method} sip:gw@127.0.0.1 SIP/2.0`, ...headers, "", body].join("\r\n");
  const message = Parser.parseMessage(raw, logger);
  assert.ok(message instanceof IncomingRequestMessage);
  return [message, raw];
}

describe("checkIncoming", () => {
  const cases: [
    string,
    { given: Parameters<typeof request>; datagram?: boolean; want: number | "drop" | undefined },
  ][] = [
    ["a well-formed INVITE", { given: ["INVITE"], want: undefined }],
    ["UPDATE, which the gateway handles", { given: ["UPDATE"], want: undefined }],
    ["a request without Call-ID", { given: ["OPTIONS", ["Call-ID"]], want: 400 }],
    ["a request without Max-Forwards", { given: ["BYE", ["Max-Forwards"]], want: 400 }],
    ["a request without Via", { given: ["OPTIONS", ["Via"]], want: "drop" }],
    ["an ACK without Call-ID (never answered)", { given: ["ACK", ["Call-ID"]], want: "drop" }],
    ["MESSAGE", { given: ["MESSAGE"], want: 405 }],
    ["a PRACK outside any dialog", { given: ["PRACK"], want: 481 }],
    ["an unknown method", { given: ["FROBNICATE"], want: 501 }],
    [
      "a UDP body shorter than Content-Length",
      { given: ["OPTIONS", [], "v=0\r\n", 50], datagram: true, want: 400 },
    ],
    [
      "the same over TCP (the framer's business)",
      { given: ["OPTIONS", [], "v=0\r\n", 50], datagram: false, want: undefined },
    ],
    [
      "a UDP body of multi-byte characters, counted in octets",
      { given: ["OPTIONS", [], "é", 2], datagram: true, want: undefined },
    ],
  ];
  for (const [name, { given, datagram, want }] of cases)
    it(`answers ${String(want)} for ${name}`, () => {
      const [message, raw] = request(...given);
      const verdict = checkIncoming(message, raw, datagram ?? true);
      assert.equal(typeof verdict === "object" ? verdict.statusCode : verdict, want);
    });

  it("builds a 400 without the header fields the request lacks, with a To tag", () => {
    const [message, raw] = request("OPTIONS", ["Call-ID"]);
    const verdict = checkIncoming(message, raw, true);
    assert.ok(typeof verdict === "object");
    const response = statelessResponse(message, verdict, "gw-test");
    assert.match(
      response,
      /^SIP\/2\.0 400 Missing Call-ID\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:5999;branch=z9hG4bKabc;rport\r\n/,
    );
    assert.match(response, /\r\nTo: <sip:gw@127\.0\.0\.1>;tag=[0-9a-f]+\r\n/);
    assert.doesNotMatch(response, /\r\nCall-ID:/i);
  });

  it("lists the same methods as the Allow of the call legs' responses", () => {
    const methods = (header: string) =>
      header
        .slice("Allow:".length)
        .split(",")
        .map((m) => m.trim())
        .sort();
    assert.deepEqual(methods(ALLOW), methods(ALLOW_HEADER));
  });
});
