/**
 * RFC 3325 §9.1 on the wire: a P-Asserted-Identity names the caller only when the INVITE comes from
 * inside the trust domain (by default the outbound proxy's address, the lab's Kamailio on
 * 127.0.0.1). The untrusted peer is a UDP socket of the test on 127.0.0.9 (loopback).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { BOB, rid, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";

const UNTRUSTED = "127.0.0.9";
const CLAIMED = "+34600000099";
const CALLER = "+34911000777";
const OFFER =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/** A SIP peer on a UDP socket of the test: sends an INVITE and collects the answers to it. */
class RawPeer {
  private readonly answers = new Map<string, string[]>();
  private constructor(private readonly socket: Socket) {
    socket.on("message", (data) => {
      const raw = data.toString("utf8");
      const branch = /branch=([^;\s]+)/.exec(raw)?.[1];
      if (branch) this.answers.get(branch)?.push(raw);
    });
  }

  static async bind(address: string): Promise<RawPeer> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, address, resolve));
    return new RawPeer(socket);
  }

  /** Sends an INVITE to `target`; returns its branch (answers are collected under it). */
  invite(target: { host: string; port: number }, ruri: string, headers: string[]): string {
    const { address, port } = this.socket.address();
    const branch = `z9hG4bK${randomBytes(6).toString("hex")}`;
    const text = [
      `INVITE ${ruri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${address}:${port};branch=${branch};rport`,
      "Max-Forwards: 70",
      `From: <sip:${CALLER}@${address}>;tag=${randomBytes(4).toString("hex")}`,
      `To: <${ruri}>`,
      `Call-ID: ${randomBytes(8).toString("hex")}@${address}`,
      "CSeq: 1 INVITE",
      `Contact: <sip:caller@${address}:${port}>`,
      ...headers,
      "Content-Type: application/sdp",
      `Content-Length: ${Buffer.byteLength(OFFER)}`,
      "",
      OFFER,
    ].join("\r\n");
    this.answers.set(branch, []);
    this.socket.send(text, target.port, target.host);
    return branch;
  }

  /** The first final response to the INVITE sent with `branch`, waited for up to 5 s. */
  async finalResponse(branch: string): Promise<string> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const final = this.answers.get(branch)?.find((raw) => /^SIP\/2\.0 [2-6]\d\d /.test(raw));
      if (final) return final;
      if (Date.now() > deadline) throw new Error(`no final response to ${branch}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.socket.close();
  }
}

type Invitation = { mediaSessionId: string; originatorAddress: string; originatorName?: string };

async function invitationFor(gw: SipLabGateway, registrationId: string, seen: Set<string>) {
  const event = await gw.waitForEvent(
    (e) =>
      e.type.endsWith("session-invitation") &&
      rid(e) === registrationId &&
      !seen.has((e.data as Invitation).mediaSessionId),
  );
  const data = event.data as Invitation;
  seen.add(data.mediaSessionId);
  return data;
}

describe("trust domain (RFC 3325 §9.1): a P-Asserted-Identity from outside it never names the caller", () => {
  let gw: SipLabGateway;
  let peer: RawPeer;
  let registrationId: string;
  const seen = new Set<string>();
  before(async () => {
    gw = await startSipLabGateway({ transport: "udp" });
    registrationId = await gw.register(BOB);
    peer = await RawPeer.bind(UNTRUSTED);
  });
  after(async () => {
    peer?.close();
    await gw?.close();
  });

  it("names the caller by From, in the invitation and in the session the API serves, when the PAI comes straight from an untrusted peer", async () => {
    const { host, port } = gw.engine.local;
    peer.invite({ host, port }, `sip:gw@${host}:${port};transport=udp;rid=${registrationId}`, [
      `P-Asserted-Identity: "Bank" <sip:${CLAIMED}@${gw.lab.domain}>`,
      "Privacy: none",
    ]);
    const invitation = await invitationFor(gw, registrationId, seen);
    assert.equal(invitation.originatorAddress, `tel:${CALLER}`);
    assert.notEqual(invitation.originatorName, "Bank");
    const res = await gw.request("GET", `/webrtc-call-handling/v0.3/sessions/${invitation.mediaSessionId}`, {
      phone: BOB,
    });
    const body = await res.text();
    assert.equal(res.status, 200, body);
    assert.doesNotMatch(body, new RegExp(CLAIMED.slice(1)));
    assert.match(body, new RegExp(`tel:\\${CALLER}`));
  });

  it("names the caller by the PAI when the same INVITE comes through the lab's Kamailio (inside the trust domain)", async () => {
    peer.invite({ host: "127.0.0.1", port: gw.lab.sipPort }, `sip:${BOB}@${gw.lab.domain}`, [
      `P-Asserted-Identity: "Bank" <sip:${CLAIMED}@${gw.lab.domain}>`,
    ]);
    const invitation = await invitationFor(gw, registrationId, seen);
    assert.equal(invitation.originatorAddress, `tel:${CLAIMED}`);
    assert.equal(invitation.originatorName, "Bank");
  });

  it("withholds the PAI of a trusted peer whose Privacy header asks for id (tokens, case-insensitive)", async () => {
    peer.invite({ host: "127.0.0.1", port: gw.lab.sipPort }, `sip:${BOB}@${gw.lab.domain}`, [
      `P-Asserted-Identity: <sip:${CLAIMED}@${gw.lab.domain}>`,
      "Privacy: header; ID",
    ]);
    const invitation = await invitationFor(gw, registrationId, seen);
    assert.equal(invitation.originatorAddress, `tel:${CALLER}`);
  });
});

describe("trust domain with SIP_UNTRUSTED_PAI=refuse", () => {
  let gw: SipLabGateway;
  let peer: RawPeer;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "udp", untrustedPai: "refuse" });
    registrationId = await gw.register(BOB);
    peer = await RawPeer.bind(UNTRUSTED);
  });
  after(async () => {
    peer?.close();
    await gw?.close();
  });

  it("answers 403 to an INVITE with a PAI straight from an untrusted peer, and offers no call", async () => {
    const { host, port } = gw.engine.local;
    const branch = peer.invite({ host, port }, `sip:gw@${host}:${port};transport=udp;rid=${registrationId}`, [
      `P-Asserted-Identity: <sip:${CLAIMED}@${gw.lab.domain}>`,
    ]);
    const final = await peer.finalResponse(branch);
    assert.match(final, /^SIP\/2\.0 403 P-Asserted-Identity from outside the trust domain\r\n/);
    assert.deepEqual(
      gw.events.filter((e) => e.type.endsWith("session-invitation")),
      [],
    );
  });

  it("still takes the call when the PAI comes through Kamailio", async () => {
    peer.invite({ host: "127.0.0.1", port: gw.lab.sipPort }, `sip:${BOB}@${gw.lab.domain}`, [
      `P-Asserted-Identity: <sip:${CLAIMED}@${gw.lab.domain}>`,
    ]);
    const invitation = await invitationFor(gw, registrationId, new Set());
    assert.equal(invitation.originatorAddress, `tel:${CLAIMED}`);
  });
});
