import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, type Server } from "node:net";
import { after, before, describe, it } from "node:test";
import { NodeTransport } from "./node-transport.ts";

const OPTIONS = [
  "OPTIONS sip:gw@127.0.0.1 SIP/2.0",
  "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK-fault-1",
  "From: <sip:probe@127.0.0.1>;tag=1",
  "To: <sip:gw@127.0.0.1>",
  "Call-ID: fault-1",
  "CSeq: 1 OPTIONS",
  "Max-Forwards: 70",
  "Content-Length: 0",
  "",
  "",
].join("\r\n");

describe("NodeTransport when its sockets fail (TCP on loopback)", () => {
  const received: string[] = [];
  const logs: string[] = [];
  let transport: NodeTransport;
  before(async () => {
    transport = new NodeTransport({
      transport: "tcp",
      localHost: "127.0.0.1",
      localPort: 0,
      proxy: { host: "127.0.0.1", port: 9 },
      onMessage: (raw) => received.push(raw),
      log: (level, message) => logs.push(`${level} ${message}`),
    });
    await transport.listen();
  });
  after(async () => transport?.close());

  it("logs an accept failure of its listener (EMFILE) instead of ending the process, and keeps serving", async () => {
    const server = (transport as unknown as { server: Server }).server;
    const emfile = Object.assign(new Error("accept EMFILE"), { code: "EMFILE", syscall: "accept" });
    assert.doesNotThrow(() => server.emit("error", emfile));
    assert.deepEqual(logs, ["warn SIP TCP listener error: accept EMFILE"]);
    const client = connect(transport.sentBy.port, "127.0.0.1");
    await once(client, "connect");
    client.write(OPTIONS);
    for (let i = 0; received.length === 0 && i < 500; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    client.destroy();
    assert.match(received[0] ?? "", /^OPTIONS sip:gw@127\.0\.0\.1 SIP\/2\.0/);
  });
});
