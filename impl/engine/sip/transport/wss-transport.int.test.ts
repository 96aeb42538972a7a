import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { deviceSdp, hangUp, originate, putStatus, statusEvent } from "../testing/call-steps.ts";
import { ALICE, BOB, type SipLabGateway, startSipLabGateway, testCaTls } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippCaller, sippPassed } from "../testing/sipp-callee.ts";
import { receivedRequests } from "../testing/sipp-trace.ts";

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";

/** The `Socket:` line of a usrloc AOR dump: the listener the registrar received the REGISTER on. */
const socketOf = (dump: string) => /Socket:\s*(\S+)/i.exec(dump)?.[1];

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Answers an incoming call from a SIPp caller the way a device does: reliable 183, 180, 200. */
async function answer(gw: SipLabGateway, id: string, phone: string): Promise<void> {
  await putStatus(gw, id, { status: "InProgress", answer: { sdp: deviceSdp(40000) } }, phone);
  await putStatus(gw, id, { status: "Ringing" }, phone);
  await putStatus(gw, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } }, phone);
}

describe("SIP over WSS (RFC 7118) to Kamailio's WSS listener, certificate from a CA made for the test", () => {
  let gw: SipLabGateway;
  let registrationId: string;
  before(async () => {
    gw = await startSipLabGateway({ transport: "wss" });
    registrationId = await gw.register(ALICE);
    await gw.register(BOB);
  });
  after(async () => gw?.close());

  it("registers over WSS: the registrar binds a transport=ws Contact (RFC 7118 §5.2) at the connection's port, received on its WSS listener", async () => {
    const { port } = gw.engine.local;
    assert.ok(port > 0, `a real port, got ${port}`);
    const dump = await gw.lab.registrations(ALICE);
    assert.match(dump, new RegExp(`sip:gw@127\\.0\\.0\\.1:${port};transport=ws;rid=${registrationId}`));
    assert.equal(socketOf(dump), `tls:127.0.0.1:${gw.lab.wssPort}`);
  });

  it("places a call over WSS to a SIPp callee answering with a reliable 183: PRACK, 200 and BYE all travel on the one WSS connection", async () => {
    const number = "+34911000601";
    const sipp = await sippCallee(gw, number, "uas-answer.xml");
    const port = gw.engine.local.port;
    const id = await originate(gw, registrationId, number, deviceSdp(40000));
    await statusEvent(gw, id, 0, "Connected", /^200 OK$/);
    await hangUp(gw, id);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
    const messages = (await sipp.done).messages;
    for (const method of ["INVITE", "PRACK", "BYE"]) {
      const [request] = receivedRequests(messages, method);
      assert.ok(
        request?.headers("via").some((v) => v.startsWith(`SIP/2.0/WSS 127.0.0.1:${port};`)),
        `${method} came with the gateway's WSS Via: ${request?.headers("via").join(" | ")}`,
      );
    }
    assert.equal(gw.engine.local.port, port, "no second connection was opened");
    assert.ok(
      !gw.logs.some((l) => /flow .* is closed|flow to the outbound proxy lost/.test(l)),
      gw.logs.join("\n"),
    );
  });

  it("receives a call over WSS on the connection the gateway opened: its reliable 183 is PRACKed and the caller's BYE ends it", async () => {
    const { sipp, id } = await sippCaller(gw, BOB, "uac-call.xml");
    await answer(gw, id, BOB);
    await statusEvent(gw, id, 0, "Terminated", /^BYE /);
    await sippPassed(sipp);
    assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
  });
});

describe("SIP over WSS: Kamailio closes the WebSocket connection", () => {
  let gw: SipLabGateway;
  before(async () => {
    gw = await startSipLabGateway({ transport: "wss" });
  });
  after(async () => gw?.close());

  it("opens a new WSS connection, moves the binding to its port, and calls reach the gateway on it", async () => {
    const registrationId = await gw.register(BOB);
    const first = gw.engine.local.port;
    assert.match(await gw.lab.registrations(BOB), new RegExp(`:${first};transport=ws;rid=${registrationId}`));
    // ws.dump lists each WebSocket connection as "<id>: wss:<address:port> -> wss:<address:port> (…)".
    const connections = await gw.lab.kamcmd("ws.dump");
    const id = new RegExp(`(\\d+): wss:[^\\n]*127\\.0\\.0\\.1:${first}\\b`).exec(connections)?.[1];
    assert.ok(id, `Kamailio lists the gateway's WebSocket connection: ${connections}`);
    await gw.lab.kamcmd("ws.close", Number(id));
    await until("a re-REGISTER on a new connection", async () => {
      const port = gw.engine.local.port;
      return (
        port !== 0 && port !== first && (await gw.lab.registrations(BOB)).includes(`:${port};transport=ws`)
      );
    });
    const dump = await gw.lab.registrations(BOB);
    assert.equal(dump.match(/Contact:/gi)?.length, 1, `one binding left:\n${dump}`);

    const { sipp, id: sessionId } = await sippCaller(gw, BOB, "uac-call.xml");
    await answer(gw, sessionId, BOB);
    await statusEvent(gw, sessionId, 0, "Terminated", /^BYE /);
    await sippPassed(sipp);
  });
});

describe("SIP over WSS: a Kamailio certificate the gateway cannot verify", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sip-wss-untrusted-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses the registration with 503 UNAVAILABLE when the certificate comes from a CA the gateway does not trust, logging why", async () => {
    const served = testCaTls(join(dir, "served"));
    const trusted = testCaTls(join(dir, "trusted"));
    const gw = await startSipLabGateway({
      transport: "wss",
      tls: { lab: served.lab, trustCaPem: trusted.trustCaPem },
    });
    try {
      const res = await gw.request("POST", REGISTRATIONS, { body: { deviceId: randomUUID() } });
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), {
        status: 503,
        code: "UNAVAILABLE",
        message: "The telco network cannot be reached; retry later.",
      });
      assert.doesNotMatch(await gw.lab.registrations(ALICE), /rid=/, "nothing reached the registrar");
      assert.ok(
        gw.logs.some((line) =>
          /^warn cannot open the WSS flow to 127\.0\.0\.1:\d+: .*certificate/.test(line),
        ),
        `the gateway logs why: ${gw.logs.join("\n")}`,
      );
    } finally {
      await gw.close();
    }
  });

  it("registers when the CA is trusted (the same setup otherwise)", async () => {
    const served = testCaTls(join(dir, "both"));
    const gw = await startSipLabGateway({ transport: "wss", tls: served });
    try {
      const res = await gw.request("POST", REGISTRATIONS, { body: { deviceId: randomUUID() } });
      assert.equal(res.status, 200, await res.text());
    } finally {
      await gw.close();
    }
  });
});
