import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Lab, startLab } from "../../../../scripts/lab/lab.ts";
import { type SpawnedGateway, spawnGateway } from "../../../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../../../testing/test-gateway.ts";
import { deviceSdp, hangUp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { ALICE, BOB, type SipLabGateway, startSipLabGateway, testCaTls } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippCaller, sippPassed } from "../testing/sipp-callee.ts";
import { receivedRequests } from "../testing/sipp-trace.ts";

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const UNAVAILABLE = {
  status: 503,
  code: "UNAVAILABLE",
  message: "The telco network cannot be reached; retry later.",
};

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** The `Socket:` line of a usrloc AOR dump: the listener the registrar received the REGISTER on. */
const socketOf = (dump: string) => /Socket:\s*(\S+)/i.exec(dump)?.[1];

describe("SIP over TLS (RFC 3261 §26.2) to Kamailio's TLS listener, certificate from a CA made for the test", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  let bobRegistrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tls" });
    registrationId = await gw.register(ALICE);
    bobRegistrationId = await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("registers each number over TLS: the registrar binds a transport=tls Contact at the gateway's real address, received on its TLS listener", async () => {
    const { host, port } = gw.engine.local;
    assert.equal(host, "127.0.0.1");
    assert.ok(port > 0, `a real port, got ${port}`);
    for (const [phone, rid] of [
      [ALICE, registrationId],
      [BOB, bobRegistrationId],
    ] as const) {
      const dump = await gw.lab.registrations(phone);
      assert.match(dump, new RegExp(`sip:gw@127\\.0\\.0\\.1:${port};transport=tls;rid=${rid}`));
      assert.equal(socketOf(dump), `tls:127.0.0.1:${gw.lab.tlsPort}`);
    }
  });

  it("places a call over TLS to a SIPp callee behind Kamailio (TCP): Via and Contact name TLS and the port the connection really comes from", async () => {
    const number = "+34911000600";
    const sipp = await sippCallee(gw, number, "uas-answer.xml");
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/);
    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);

    const [invite] = receivedRequests((await sipp.done).messages, "INVITE");
    assert.ok(invite, "the callee received the INVITE");
    // The gateway's Via is the one below Kamailio's; Kamailio added the source port as rport (RFC 3581).
    const via = invite.headers("via").find((v) => v.startsWith("SIP/2.0/TLS "));
    const sent = /^SIP\/2\.0\/TLS 127\.0\.0\.1:(\d+);.*rport=(\d+)/.exec(via ?? "");
    assert.ok(sent, `a TLS Via with a real sent-by, got ${invite.headers("via").join(" | ")}`);
    assert.equal(sent[1], sent[2], "sent-by port is the port the TLS connection comes from");
    assert.equal(Number(sent[1]), gw.engine.local.port);
    assert.match(
      invite.header("contact") ?? "",
      new RegExp(`^<sip:gw@127\\.0\\.0\\.1:${sent[1]};transport=tls;rid=${registrationId}>`),
    );
    const [bye] = receivedRequests((await sipp.done).messages, "BYE");
    assert.ok(bye?.headers("via").some((v) => v.startsWith(`SIP/2.0/TLS 127.0.0.1:${sent[1]};`)));
  });

  it("receives a call over TLS: Kamailio reaches the gateway on the connection the gateway opened, and the caller's BYE ends it", async () => {
    const { sipp, id } = await sippCaller(gw, BOB, "uac-call.xml");
    await putStatus(gw, id, { status: "InProgress", answer: { sdp: deviceSdp(40000) } }, BOB);
    await putStatus(gw, id, { status: "Ringing" }, BOB);
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);
    await statusEvent(gw, id, 0, "Terminated", /^BYE \(Reason: Q\.850;cause=16/);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
  });
});

describe("SIP over TLS: the connection to Kamailio drops", () => {
  let gw: SipLabGateway;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tls" });
  });
  after(async () => gw?.close());

  it("opens a new TLS connection, moves the binding to its port (the old Contact removed with expires=0), and calls reach the gateway on it", async () => {
    const registrationId = await gw.register(BOB);
    const before = gw.engine.local.port;
    assert.match(
      await gw.lab.registrations(BOB),
      new RegExp(`:${before};transport=tls;rid=${registrationId}`),
    );
    gw.engine.dropProxyFlow();
    await until("a re-REGISTER on the new connection", async () => {
      const port = gw.engine.local.port;
      return (
        port !== 0 && port !== before && (await gw.lab.registrations(BOB)).includes(`:${port};transport=tls`)
      );
    });
    const dump = await gw.lab.registrations(BOB);
    assert.equal(dump.match(/Contact:/gi)?.length, 1, `one binding left:\n${dump}`);
    assert.doesNotMatch(dump, new RegExp(`:${before};transport=tls`));

    const { sipp, id } = await sippCaller(gw, BOB, "uac-call.xml");
    await putStatus(gw, id, { status: "InProgress", answer: { sdp: deviceSdp(40000) } }, BOB);
    await putStatus(gw, id, { status: "Ringing" }, BOB);
    await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, BOB);
    await statusEvent(gw, id, 0, "Terminated", /^BYE /);
    await sippPassed(sipp);
  });
});

describe("SIP over TLS: a Kamailio certificate the gateway cannot verify", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sip-tls-untrusted-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts the lab gateway over TLS with Kamailio serving `lab` and the gateway trusting `trustCaPem`. */
  async function refusedRegistration(
    lab: ReturnType<typeof testCaTls>["lab"],
    trustCaPem: string,
    why: RegExp,
  ): Promise<void> {
    const gw = await startSipLabGateway({ transport: "tls", tls: { lab, trustCaPem } });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const res = await gw.request("POST", REGISTRATIONS, { body: { deviceId: randomUUID() } });
        assert.equal(res.status, 503);
        assert.deepEqual(await res.json(), UNAVAILABLE);
      }
      assert.doesNotMatch(await gw.lab.registrations(ALICE), /rid=/, "nothing reached the registrar");
      assert.deepEqual(
        gw.events.filter((e) => e.type.includes("registration")),
        [],
        "no registration event for a registration that never existed",
      );
      assert.ok(
        gw.logs.some(
          (line) => /^warn cannot open the TLS flow to 127\.0\.0\.1:\d+: /.test(line) && why.test(line),
        ),
        `the gateway logs why: ${gw.logs.join("\n")}`,
      );
    } finally {
      await gw.close();
    }
  }

  it("refuses the registration with 503 UNAVAILABLE when the certificate comes from a CA the gateway does not trust, and keeps serving", async () => {
    const served = testCaTls(join(dir, "served"));
    const trusted = testCaTls(join(dir, "trusted"));
    await refusedRegistration(served.lab, trusted.trustCaPem, /certificate/);
  });

  it("refuses the registration with 503 UNAVAILABLE when a trusted CA issued the certificate for another host (RFC 5922 §7.3 identity check)", async () => {
    const ca = testCaTls(join(dir, "other-host"));
    const caDir = join(dir, "other-host", "ca");
    writeFileSync(join(dir, "other.ext"), "subjectAltName=DNS:sip.other.invalid\n");
    const run = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    run([
      "req",
      "-new",
      ...ec,
      "-keyout",
      "other-key.pem",
      "-out",
      "other.csr",
      "-subj",
      "/CN=sip.other.invalid",
    ]);
    const signer = ["-CA", join(caDir, "ca.pem"), "-CAkey", join(caDir, "ca-key.pem"), "-CAcreateserial"];
    run([
      "x509",
      "-req",
      "-in",
      "other.csr",
      ...signer,
      "-out",
      "other.pem",
      "-days",
      "2",
      "-extfile",
      "other.ext",
    ]);
    await refusedRegistration(
      {
        certPem: readFileSync(join(dir, "other.pem"), "utf8"),
        keyPem: readFileSync(join(dir, "other-key.pem"), "utf8"),
      },
      ca.trustCaPem,
      /does not match certificate's altnames/,
    );
  });
});

describe("SIP_TRANSPORT=tls through impl/server.ts with the lab's gatewayEnv('tls')", () => {
  let dir: string;
  let lab: Lab;
  let gateway: SpawnedGateway | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "sip-tls-server-"));
    const tls = testCaTls(dir);
    lab = await startLab({ credentials: new Map([[ALICE, "alice-secret"]]), tls: tls.lab });
  });
  after(async () => {
    gateway?.child.kill("SIGTERM");
    await gateway?.exited;
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads SIP_TLS_CA_FILE, verifies Kamailio's certificate with it and registers over TLS", async () => {
    const credentialsFile = join(dir, "credentials.json");
    writeFileSync(credentialsFile, JSON.stringify({ [ALICE]: "alice-secret" }));
    const env = lab.gatewayEnv("tls", credentialsFile);
    assert.equal(env.SIP_TRANSPORT, "tls");
    assert.equal(env.SIP_OUTBOUND_PROXY, `sip:127.0.0.1:${lab.tlsPort};transport=tls`);
    assert.ok(env.SIP_TLS_CA_FILE);
    gateway = await spawnGateway({ ...env, DATA_DIR: join(dir, "data"), DEV_PHONE_NUMBERS: ALICE });
    const token = await gateway.token(ALICE, ALL_SCOPES);
    const res = await fetch(`${gateway.baseUrl}${REGISTRATIONS}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ deviceId: randomUUID() }),
    });
    const body = (await res.json()) as { registrationId?: string };
    assert.equal(res.status, 200, JSON.stringify(body));
    const dump = await lab.registrations(ALICE);
    assert.match(dump, new RegExp(`transport=tls;rid=${body.registrationId}`));
    assert.equal(socketOf(dump), `tls:127.0.0.1:${lab.tlsPort}`);
  });
});
