/**
 * RFC 3263 through the real gateway process: SIP_OUTBOUND_PROXY names a domain without a port, a
 * DNS server on loopback (dnsmasq, SIP_DNS_SERVERS) holds its NAPTR, SRV and A records, and the
 * lab's Kamailio is the proxy they lead to.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ensureDevCa } from "../../../../scripts/dev-ca/dev-ca.ts";
import { type LabDns, startLabDns } from "../../../../scripts/lab/dnsmasq.ts";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { type Lab, startLab } from "../../../../scripts/lab/lab.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { type SpawnedGateway, spawnGateway } from "../../../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../../../testing/test-gateway.ts";

const ALICE = "+34600000001";
const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

/** The socket Kamailio recorded for the binding (e.g. `tls:127.0.0.1:5061`). */
function socketOf(dump: string): string | undefined {
  return /Socket:\s*(\S+)/i.exec(dump)?.[1];
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the gateway locates its proxy through DNS (RFC 3263)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sip-rfc3263-"));
  const ca = ensureDevCa(join(dir, "ca"), ["ims-tls.test"]);
  let lab: Lab;
  let dns: LabDns;
  let deadPort: number;
  let gateway: SpawnedGateway | undefined;
  const credentialsFile = join(dir, "credentials.json");

  before(async () => {
    writeFileSync(credentialsFile, JSON.stringify({ [ALICE]: "alice-secret" }));
    lab = await startLab({
      credentials: new Map([[ALICE, "alice-secret"]]),
      tls: { certPem: ca.serverCertPem, keyPem: ca.serverKeyPem, caFile: ca.caFile },
    });
    // A port nobody listens on: the first SRV target is down.
    deadPort = await freePort();
    dns = await startLabDns({
      srv: [
        { name: "_sip._tcp.ims.test", target: "down.ims.test", port: deadPort, priority: 10, weight: 0 },
        { name: "_sip._tcp.ims.test", target: "edge.ims.test", port: lab.sipPort, priority: 20, weight: 0 },
        {
          name: "_sips._tcp.ims-tls.test",
          target: "edge.ims.test",
          port: lab.tlsPort as number,
          priority: 10,
          weight: 0,
        },
        {
          name: "_sip._tcp.ims-tls.test",
          target: "edge.ims.test",
          port: lab.sipPort,
          priority: 10,
          weight: 0,
        },
      ],
      naptr: [
        {
          name: "ims-tls.test",
          order: 10,
          preference: 10,
          service: "SIPS+D2T",
          replacement: "_sips._tcp.ims-tls.test",
        },
        {
          name: "ims-tls.test",
          order: 20,
          preference: 10,
          service: "SIP+D2T",
          replacement: "_sip._tcp.ims-tls.test",
        },
      ],
      hosts: [
        { name: "down.ims.test", addresses: ["127.0.0.1"] },
        { name: "edge.ims.test", addresses: ["127.0.0.1"] },
      ],
    });
  });
  after(async () => {
    gateway?.child.kill("SIGTERM");
    await gateway?.exited;
    await dns?.stop();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startGateway(env: Record<string, string>): Promise<{ gw: SpawnedGateway; token: string }> {
    gateway?.child.kill("SIGTERM");
    await gateway?.exited;
    // Each test reads the binding its own gateway made.
    await lab.removeRegistrations(ALICE);
    const base = lab.gatewayEnv("tcp", credentialsFile);
    const { SIP_TRANSPORT: _transport, ...rest } = base;
    gateway = await spawnGateway({
      ...rest,
      SIP_DNS_SERVERS: dns.server,
      DATA_DIR: join(dir, `data-${randomUUID()}`),
      DEV_PHONE_NUMBERS: ALICE,
      ...env,
    });
    return { gw: gateway, token: await gateway.token(ALICE, ALL_SCOPES) };
  }

  async function register(gw: SpawnedGateway, token: string): Promise<string> {
    const res = await fetch(`${gw.baseUrl}/webrtc-registration/v0.3/sessions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ deviceId: randomUUID() }),
    });
    const body = (await res.json()) as { registrationId: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.registrationId;
  }

  it("skips an SRV target that is down: registers and completes a call through the next one", async () => {
    const { gw, token } = await startGateway({ SIP_OUTBOUND_PROXY: "sip:ims.test", SIP_TRANSPORT: "tcp" });
    assert.ok(
      gw.logs.some(
        (l) => l.includes("SIP outbound proxy located (RFC 3263)") && l.includes(`127.0.0.1:${deadPort}`),
      ),
      "both SRV targets located, the dead one first",
    );
    const registrationId = await register(gw, token);
    const dump = await lab.registrations(ALICE);
    assert.match(dump, new RegExp(`rid=${registrationId}`));
    assert.equal(socketOf(dump), `tcp:127.0.0.1:${lab.sipPort}`);
    assert.ok(
      gw.logs.some((l) => l.includes(`cannot open the TCP flow to 127.0.0.1:${deadPort}`)),
      "the dead target was tried first",
    );

    const port = await freePort();
    await lab.setPeer("+34911000001", `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario: "uas-answer.xml",
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: port,
    });
    await sipp.ready;
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", registrationId };
    const res = await fetch(`${gw.baseUrl}/webrtc-call-handling/v0.3/sessions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ receiverAddress: "tel:+34911000001", offer: { sdp: SDP } }),
    });
    const created = (await res.json()) as { mediaSessionId: string };
    assert.equal(res.status, 201, JSON.stringify(created));
    const url = `${gw.baseUrl}/webrtc-call-handling/v0.3/sessions/${created.mediaSessionId}`;
    await until("the call to be Connected", async () => {
      const got = (await (await fetch(url, { headers })).json()) as { status: string };
      return got.status === "Connected";
    });
    assert.equal((await fetch(url, { method: "DELETE", headers })).status, 204);
    const result = await sipp.done;
    assert.equal(result.code, 0, `SIPp failed:\n${result.errors}\n${result.messages.slice(-4000)}`);
  });

  it("uses TLS when NAPTR prefers SIPS+D2T, checking the certificate against the domain", async () => {
    const { gw, token } = await startGateway({
      SIP_OUTBOUND_PROXY: "sip:ims-tls.test",
      SIP_TLS_CA_FILE: ca.caFile,
    });
    const registrationId = await register(gw, token);
    const dump = await lab.registrations(ALICE);
    assert.match(dump, new RegExp(`transport=tls;rid=${registrationId}`));
    assert.equal(socketOf(dump), `tls:127.0.0.1:${lab.tlsPort}`);
  });

  it("refuses to start, naming the domain, when DNS holds no target for it", async () => {
    await assert.rejects(
      startGateway({ SIP_OUTBOUND_PROXY: "sip:nowhere.test", SIP_TRANSPORT: "tcp" }),
      /SIP_OUTBOUND_PROXY=sip:nowhere\.test: no NAPTR, SRV or A\/AAAA target/,
    );
    gateway = undefined;
  });

  // Last: it replaces the zone with one of its own.
  it("moves to the next SRV target when the first answers the REGISTER 503 (RFC 3263 §4.3)", async () => {
    const busyPort = await freePort();
    const busy = runSipp({
      scenario: "uas-register-503.xml",
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: busyPort,
      timeoutMs: 30_000,
    });
    await busy.ready;
    await dns.stop();
    dns = await startLabDns({
      srv: [
        { name: "_sip._tcp.busy.test", target: "edge.busy.test", port: busyPort, priority: 10, weight: 0 },
        { name: "_sip._tcp.busy.test", target: "edge.busy.test", port: lab.sipPort, priority: 20, weight: 0 },
      ],
      hosts: [{ name: "edge.busy.test", addresses: ["127.0.0.1"] }],
    });
    const { gw, token } = await startGateway({ SIP_OUTBOUND_PROXY: "sip:busy.test", SIP_TRANSPORT: "tcp" });
    const registrationId = await register(gw, token);
    const result = await busy.done;
    assert.equal(
      result.code,
      0,
      `the first target never saw the REGISTER:\n${result.errors}\n${result.messages.slice(-2000)}`,
    );
    const dump = await lab.registrations(ALICE);
    assert.match(dump, new RegExp(`rid=${registrationId}`));
    assert.ok(
      gw.logs.some((l) =>
        l.includes(`127.0.0.1:${busyPort} answered 503: moving to 127.0.0.1:${lab.sipPort}`),
      ),
      "the failover is logged",
    );
  });
});
