/**
 * The gateway's own TLS listener (RFC 3261 §26.2.1): with a certificate it listens, Via and Contact
 * name the listener, and a peer can open a TLS connection to it and place a call. The peer is a Node
 * TLS client of the test sending raw SIP: the Debian SIPp build has no TLS (`sipp -h` lists no
 * `-t l1`, `-tls_cert`).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type TLSSocket } from "node:tls";
import { ensureDevCa } from "../../../../scripts/dev-ca/dev-ca.ts";
import { deviceSdp, putStatus, statusEvent } from "../testing/call-steps.ts";
import { BOB, rid, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { SipStreamFramer } from "./stream-framer.ts";

const OFFER =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/** A TLS peer of the test: one connection, raw SIP in, framed SIP out. */
async function tlsPeer(
  port: number,
  ca: string,
): Promise<{ socket: TLSSocket; next(match: RegExp): Promise<string> }> {
  const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" });
  await new Promise<void>((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  const framer = new SipStreamFramer();
  const received: string[] = [];
  socket.on("data", (chunk: Buffer) => received.push(...framer.push(chunk).messages));
  return {
    socket,
    async next(match) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const i = received.findIndex((raw) => match.test(raw));
        if (i >= 0) return received.splice(i, 1)[0] as string;
        if (Date.now() > deadline)
          throw new Error(`nothing matching ${match} in:\n${received.join("\n---\n")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

describe("the gateway's TLS listener (SIP_TLS_CERT_FILE, SIP_TLS_KEY_FILE)", () => {
  let gw: SipLabGateway;
  let dir: string;
  let caPem: string;
  let registrationId: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sip-tls-listener-"));
    const ca = ensureDevCa(join(dir, "gateway-ca"));
    caPem = ca.caCertPem;
    gw = await startSipLabGateway({
      transport: "tls",
      tlsListener: { cert: ca.serverCertPem, key: ca.serverKeyPem, port: 0 },
    });
    registrationId = await gw.register(BOB);
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("registers a Contact naming the listener, not the port of the connection to the proxy", async () => {
    const { port } = gw.engine.local;
    assert.ok(port > 0);
    const dump = await gw.lab.registrations(BOB);
    assert.match(dump, new RegExp(`sip:gw@127\\.0\\.0\\.1:${port};transport=tls;rid=${registrationId}`));
    const peer = await tlsPeer(port, caPem);
    peer.socket.end();
  });

  it("takes a call from a peer that connects to the listener over TLS: INVITE, 200 on Connected, ACK, the peer's BYE", async () => {
    const { port } = gw.engine.local;
    const peer = await tlsPeer(port, caPem);
    const local = `127.0.0.1:${peer.socket.localPort}`;
    const callId = `${randomBytes(8).toString("hex")}@127.0.0.1`;
    const fromTag = randomBytes(4).toString("hex");
    const ruri = `sip:gw@127.0.0.1:${port};transport=tls;rid=${registrationId}`;
    const request = (method: string, cseq: number, to: string, extra: string[] = [], body = "") =>
      [
        `${method} ${ruri} SIP/2.0`,
        `Via: SIP/2.0/TLS ${local};branch=z9hG4bK${randomBytes(6).toString("hex")};rport`,
        "Max-Forwards: 70",
        `From: <sip:+34911000002@127.0.0.1>;tag=${fromTag}`,
        `To: ${to}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
        `Contact: <sip:caller@${local};transport=tls>`,
        ...extra,
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body,
      ].join("\r\n");
    peer.socket.write(request("INVITE", 1, `<${ruri}>`, ["Content-Type: application/sdp"], OFFER));
    const invitation = await gw.waitForEvent(
      (e) => e.type.endsWith("session-invitation") && rid(e) === registrationId,
    );
    const id = (invitation.data as { mediaSessionId: string }).mediaSessionId;
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);
    const ok = await peer.next(/^SIP\/2\.0 200 [^\r]*\r\n[\s\S]*CSeq: 1 INVITE/);
    const to = /^(?:To|t):\s*(.+)$/im.exec(ok)?.[1]?.trim() ?? "";
    assert.match(to, /;tag=/);
    peer.socket.write(request("ACK", 1, to));
    peer.socket.write(request("BYE", 2, to));
    await peer.next(/^SIP\/2\.0 200 [^\r]*\r\n[\s\S]*CSeq: 2 BYE/);
    await statusEvent(gw, id, 0, "Terminated", /^BYE/);
    assert.deepEqual(gw.statuses(id), ["Connected", "Terminated"]);
    peer.socket.end();
  });
});

describe("the gateway's TLS listener with SIP_TLS_CLIENT_CA_FILE (mutual TLS)", () => {
  let gw: SipLabGateway;
  let dir: string;
  let caPem: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sip-tls-mutual-"));
    const ca = ensureDevCa(join(dir, "gateway-ca"));
    caPem = ca.caCertPem;
    gw = await startSipLabGateway({
      transport: "tls",
      tlsListener: { cert: ca.serverCertPem, key: ca.serverKeyPem, clientCa: ca.caCertPem, port: 0 },
    });
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a peer that presents no certificate, and logs why", async () => {
    const { port } = gw.engine.local;
    await assert.rejects(async () => {
      const peer = await tlsPeer(port, caPem);
      // TLS 1.3: the server's refusal arrives after the client considers the handshake done.
      await new Promise<void>((resolve, reject) => {
        peer.socket.once("error", reject);
        peer.socket.once("close", () => reject(new Error("closed by the gateway")));
        setTimeout(resolve, 2000);
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(
      gw.logs.some((line) => /^warn TLS handshake from 127\.0\.0\.1 failed: .*certificate/i.test(line)),
      gw.logs.join("\n"),
    );
  });
});
