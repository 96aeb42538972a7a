import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { messageRouting } from "./sip-message-routing.ts";

describe("messageRouting (RFC 3261 §18.2.2: responses follow the top Via)", () => {
  const table: Array<[string, { raw: string; want: ReturnType<typeof messageRouting> }]> = [
    [
      "a request with rport and received",
      {
        raw: "INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKabc;rport=4000;received=192.0.2.1\r\nVia: SIP/2.0/UDP x:1;branch=z9hG4bKother\r\nCSeq: 1 INVITE\r\n\r\n",
        want: {
          isRequest: true,
          method: "INVITE",
          statusCode: undefined,
          branch: "z9hG4bKabc",
          viaHost: "10.0.0.1",
          viaPort: 5062,
          rport: 4000,
          received: "192.0.2.1",
        },
      },
    ],
    [
      "a response in compact form with the method from CSeq",
      {
        raw: "SIP/2.0 180 Ringing\r\nv: SIP/2.0/TCP gw.example;branch=z9hG4bK1;rport\r\nCSeq: 7 invite\r\n\r\n",
        want: {
          isRequest: false,
          method: "INVITE",
          statusCode: 180,
          branch: "z9hG4bK1",
          viaHost: "gw.example",
          viaPort: undefined,
          rport: undefined,
          received: undefined,
        },
      },
    ],
  ];
  for (const [name, { raw, want }] of table) {
    it(`reads ${name}`, () => assert.deepEqual(messageRouting(raw), want));
  }
});
