/**
 * A TLS identity as a trust criterion (RFC 3325 §2.3): with `SIP_TRUSTED_PEERS=tls:<name>`, a peer
 * whose verified client certificate names `<name>` may assert identities; another peer, from the
 * same address, may not. The peer is a Node TLS client sending raw SIP (Debian's SIPp has no TLS).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect } from "node:tls";
import { type DevCa, ensureDevCa } from "../../../../scripts/dev-ca/dev-ca.ts";
import { BOB, rid, type SipLabGateway, startSipLabGateway } from "../testing/sip-lab-gateway.ts";

const OFFER =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

/** A client certificate for `name` (subjectAltName DNS) issued by the test's CA, as PEM. */
function clientCertificate(dir: string, ca: DevCa, name: string): { cert: string; key: string } {
  const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${name}\nextendedKeyUsage=clientAuth\n`);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run(["req", "-new", ...ec, "-keyout", `${name}-key.pem`, "-out", `${name}.csr`, "-subj", `/CN=${name}`]);
  const signer = ["-CA", ca.caFile, "-CAkey", join(ca.dir, "ca-key.pem"), "-CAcreateserial"];
  run([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    ...signer,
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ]);
  return {
    cert: readFileSync(join(dir, `${name}.pem`), "utf8"),
    key: readFileSync(join(dir, `${name}-key.pem`), "utf8"),
  };
}

describe("SIP_TRUSTED_PEERS=tls:<name>: trust by the verified certificate of a TLS peer", () => {
  let gw: SipLabGateway;
  let dir: string;
  let ca: DevCa;
  let registrationId: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sip-tls-trust-"));
    ca = ensureDevCa(join(dir, "gateway-ca"));
    gw = await startSipLabGateway({
      transport: "tls",
      tlsListener: { cert: ca.serverCertPem, key: ca.serverKeyPem, clientCa: ca.caCertPem, port: 0 },
      trustedPeers: ["tls:edge.trusted.test"],
    });
    registrationId = await gw.register(BOB);
  });
  after(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends an INVITE with a P-Asserted-Identity over TLS with `name`'s certificate; returns the invitation's originator. */
  async function assertedBy(name: string): Promise<string | undefined> {
    const { port } = gw.engine.local;
    const { cert, key } = clientCertificate(dir, ca, name);
    const socket = connect({ host: "127.0.0.1", port, ca: ca.caCertPem, servername: "localhost", cert, key });
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", reject);
    });
    const from = gw.events.length;
    const local = `127.0.0.1:${socket.localPort}`;
    const ruri = `sip:gw@127.0.0.1:${port};transport=tls;rid=${registrationId}`;
    socket.write(
      [
        `INVITE ${ruri} SIP/2.0`,
        `Via: SIP/2.0/TLS ${local};branch=z9hG4bK${randomBytes(6).toString("hex")};rport`,
        "Max-Forwards: 70",
        `From: <sip:+34911000002@127.0.0.1>;tag=${randomBytes(4).toString("hex")}`,
        `To: <${ruri}>`,
        `Call-ID: ${randomBytes(8).toString("hex")}@127.0.0.1`,
        "CSeq: 1 INVITE",
        `Contact: <sip:caller@${local};transport=tls>`,
        "P-Asserted-Identity: <sip:+34911000999@127.0.0.1>",
        "Content-Type: application/sdp",
        `Content-Length: ${Buffer.byteLength(OFFER)}`,
        "",
        OFFER,
      ].join("\r\n"),
    );
    const invitation = await gw.waitForEvent(
      (e) =>
        gw.events.indexOf(e) >= from && e.type.endsWith("session-invitation") && rid(e) === registrationId,
    );
    socket.destroy();
    return (invitation.data as { originatorAddress?: string }).originatorAddress;
  }

  it("honours the P-Asserted-Identity of a peer whose certificate names a trusted TLS identity", async () => {
    assert.equal(await assertedBy("edge.trusted.test"), "tel:+34911000999");
  });

  it("ignores it from a peer with a valid certificate for another name, from the same address: From names the caller", async () => {
    assert.equal(await assertedBy("other.untrusted.test"), "tel:+34911000002");
  });
});
