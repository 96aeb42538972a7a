/**
 * Calls that outlive the gateway: the real gateway process (impl/server.ts) with rtpengine, killed
 * with SIGKILL mid-call and started again on the same store and the same SIP port. Answered calls are
 * carried on from their persisted dialogs (call/recover-dialog.ts): still Connected, held and
 * resumed on the wire, ended by the network's BYE; a ringing call is CANCELled toward the network;
 * rtpengine keeps the carried calls and holds none once they end.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { type SinkReceiver, startSinkReceiver } from "../../../conformance/sink/index.ts";
import { ensureDevCa } from "../../../scripts/dev-ca/dev-ca.ts";
import { freePort } from "../../../scripts/lab/free-port.ts";
import { type Lab, startLab } from "../../../scripts/lab/lab.ts";
import { type Rtpengine, startRtpengine } from "../../../scripts/lab/rtpengine.ts";
import { runSipp, type SippRun } from "../../../scripts/lab/sipp.ts";
import { fromRoot } from "../../../scripts/lib/paths.ts";
import { type SpawnedGateway, spawnGateway } from "../../testing/spawn-gateway.ts";
import { createNgClient, type NgClient } from "../media/ng-client.ts";
import { createRtpengineAnchor } from "../media/rtpengine-anchor.ts";
import { deviceSdp } from "./testing/call-steps.ts";
import { ALICE, BOB } from "./testing/sip-lab-gateway.ts";
import { type GatewayApi, gatewayApi, until } from "./testing/spawned-gateway-api.ts";

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";
const EVENTS = "org.camaraproject.webrtc-events.v0";
/** The callee of the ringing incoming call, a subscriber of its own (no other test's bindings). */
const CAROL = "+34600000003";
const scenario = (name: string) => fileURLToPath(new URL(`./testing/scenarios/${name}`, import.meta.url));

describe("calls across a gateway restart (SIGKILL, same store and SIP port; Kamailio, rtpengine, SIPp)", {
  timeout: 240_000,
}, () => {
  let dir: string;
  let lab: Lab;
  let rtpengine: Rtpengine;
  let ng: NgClient;
  let sink: SinkReceiver;
  let env: Record<string, string>;
  const gateways: SpawnedGateway[] = [];
  const sipps: SippRun[] = [];
  /** The media session ids rtpengine holds for the gateway. */
  const anchored = () => createRtpengineAnchor({ ng }).list();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "call-restart-"));
    lab = await startLab({
      credentials: new Map([
        [ALICE, "alice-secret"],
        [BOB, "bob-secret"],
        [CAROL, "carol-secret"],
      ]),
    });
    rtpengine = await startRtpengine();
    ng = createNgClient({ host: rtpengine.ngHost, port: rtpengine.ngPort });
    const credentialsFile = join(dir, "credentials.json");
    writeFileSync(
      credentialsFile,
      JSON.stringify({ [ALICE]: "alice-secret", [BOB]: "bob-secret", [CAROL]: "carol-secret" }),
    );
    const ca = ensureDevCa(fromRoot("data", "dev-ca"));
    sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
    env = {
      ...lab.gatewayEnv("tcp", credentialsFile),
      SIP_LOCAL_PORT: String(await freePort()),
      RTPENGINE_NG: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
      DATA_DIR: join(dir, "data"),
      DEV_CA_DIR: ca.dir,
      DEV_PHONE_NUMBERS: `${ALICE},${BOB},${CAROL}`,
      EVENT_SINK_ALLOWLIST: `127.0.0.1:${sink.port}`,
      EVENT_RETRY_BASE_MS: "100",
      EVENT_RETRY_MAX_MS: "1000",
    };
  });
  after(async () => {
    for (const sipp of sipps) sipp.stop();
    for (const gw of gateways) if (gw.child.exitCode === null) gw.child.kill("SIGKILL");
    await Promise.all(gateways.map((gw) => gw.exited));
    await sink?.close();
    await ng?.close();
    await rtpengine?.stop();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    // One gateway at a time on the SIP port, whatever the outcome of a test.
    for (const gw of gateways) if (gw.child.exitCode === null) gw.child.kill("SIGKILL");
    await Promise.all(gateways.map((gw) => gw.exited));
  });

  const start = async () => {
    const gw = await spawnGateway(env);
    gateways.push(gw);
    return { gw, api: await gatewayApi(gw) };
  };
  const kill = async (gw: SpawnedGateway) => {
    gw.child.kill("SIGKILL");
    await gw.exited;
  };
  /** SIGKILL once the leg's last change is written (one turn of the event loop and a group commit later). */
  const restart = async (gw: SpawnedGateway) => {
    await new Promise((r) => setTimeout(r, 300));
    await kill(gw);
    return start();
  };
  const register = async (api: GatewayApi, phone: string) => {
    const res = await api("POST", REGISTRATIONS, phone, { deviceId: randomUUID() });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return String(res.body.registrationId);
  };
  const subscribe = async (api: GatewayApi, phone: string, type: string, detail: Record<string, string>) => {
    const res = await api("POST", SUBSCRIPTIONS, phone, {
      protocol: "HTTP",
      sink: sink.url(`/${type}`),
      types: [`${EVENTS}.${type}`],
      config: { subscriptionDetail: detail },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };
  const statusIs = (api: GatewayApi, phone: string, id: string, status: string) => async () =>
    (await api("GET", `${SESSIONS}/${id}`, phone)).body.status === status;
  const put = async (api: GatewayApi, phone: string, id: string, body: unknown) => {
    const res = await api("PUT", `${SESSIONS}/${id}/status`, phone, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  /** After the restart: hold and resume on the wire, then the network's BYE ends the session. */
  const holdResumeAndRemoteBye = async (api: GatewayApi, phone: string, id: string, sipp: SippRun) => {
    const carried = await api("GET", `${SESSIONS}/${id}`, phone);
    assert.equal(carried.status, 200, JSON.stringify(carried.body));
    assert.equal(carried.body.status, "Connected");
    assert.deepEqual(await anchored(), [id], "rtpengine still anchors the carried call");
    await put(api, phone, id, { status: "Hold" });
    // The callee's 200 to the hold re-INVITE: until then a Resume would cross it (409, RFC 3261 §14.1).
    await sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.session-status` &&
        r.event.data?.mediaSessionId === id &&
        r.event.data?.status === "Hold" &&
        /^200 OK \(re-INVITE\)/.test(String(r.event.data?.reason)),
      10_000,
    );
    await put(api, phone, id, { status: "Resume" });
    const terminated = await sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.session-status` &&
        r.event.data?.mediaSessionId === id &&
        r.event.data?.status === "Terminated",
      20_000,
    );
    assert.match(String(terminated.event?.data?.reason), /^BYE \(Reason: Q\.850;cause=16/);
    const r = await sipp.done;
    assert.equal(r.code, 0, `SIPp failed:\n${r.errors}\n${r.messages.slice(-6000)}`);
    assert.equal((await api("GET", `${SESSIONS}/${id}`, phone)).body.status, "Terminated");
    await until(
      "rtpengine to release the call",
      Date.now() + 5000,
      async () => (await anchored()).length === 0,
    );
  };

  it("carries an answered outgoing call on: Connected after the restart, hold and resume reach the callee as re-INVITEs, its BYE ends the session Terminated", async () => {
    let { gw, api } = await start();
    const alice = await register(api, ALICE);
    const callee = "+34911000801";
    const port = await freePort();
    await lab.setPeer(callee, `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario: scenario("uas-restart.xml"),
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      timeoutMs: 60_000,
    });
    sipps.push(sipp);
    await sipp.ready;
    const created = await api(
      "POST",
      SESSIONS,
      ALICE,
      { receiverAddress: `tel:${callee}`, offer: { sdp: deviceSdp(40000) } },
      { registrationId: alice },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.mediaSessionId);
    await subscribe(api, ALICE, "session-status", { registrationId: alice, sessionId: id });
    await until("Connected", Date.now() + 10_000, statusIs(api, ALICE, id, "Connected"));

    ({ gw, api } = await restart(gw));
    await holdResumeAndRemoteBye(api, ALICE, id, sipp);
    await kill(gw);
  });

  it("carries an answered incoming call on the same way, the caller's BYE ending it", async () => {
    let { gw, api } = await start();
    const bob = await register(api, BOB);
    await subscribe(api, BOB, "session-invitation", { registrationId: bob });
    const sipp = runSipp({
      scenario: scenario("uac-restart.xml"),
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: await freePort(),
      service: BOB,
      timeoutMs: 60_000,
    });
    sipps.push(sipp);
    const invitation = await sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.session-invitation` && r.event.data?.receiverAddress === `tel:${BOB}`,
      15_000,
    );
    const id = String(invitation.event?.data?.mediaSessionId);
    await subscribe(api, BOB, "session-status", { registrationId: bob, sessionId: id });
    await put(api, BOB, id, { status: "Connected", answer: { sdp: deviceSdp(40000) } });

    ({ gw, api } = await restart(gw));
    await holdResumeAndRemoteBye(api, BOB, id, sipp);
    await kill(gw);
  });

  it("cancels a ringing outgoing call toward the network after the restart and ends it Failed, leaving rtpengine nothing", async () => {
    let { gw, api } = await start();
    const alice = await register(api, ALICE);
    const callee = "+34911000802";
    const port = await freePort();
    await lab.setPeer(callee, `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario: scenario("uas-cancel-after-restart.xml"),
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      timeoutMs: 60_000,
    });
    sipps.push(sipp);
    await sipp.ready;
    const created = await api(
      "POST",
      SESSIONS,
      ALICE,
      { receiverAddress: `tel:${callee}`, offer: { sdp: deviceSdp(40000) } },
      { registrationId: alice },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.mediaSessionId);
    await until("Ringing", Date.now() + 10_000, statusIs(api, ALICE, id, "Ringing"));

    ({ gw, api } = await restart(gw));
    const r = await sipp.done;
    assert.equal(r.code, 0, `SIPp saw no CANCEL:\n${r.errors}\n${r.messages.slice(-6000)}`);
    const ended = await api("GET", `${SESSIONS}/${id}`, ALICE);
    assert.equal(ended.body.status, "Failed");
    assert.equal(
      ended.body.reason,
      "The gateway restarted before the call was answered; the call attempt was cancelled",
    );
    await until(
      "rtpengine to release the call",
      Date.now() + 5000,
      async () => (await anchored()).length === 0,
    );
    await kill(gw);
  });

  it("refuses a ringing incoming call toward the network with 480 after the restart and ends it Failed", async () => {
    let { gw, api } = await start();
    const carol = await register(api, CAROL);
    await subscribe(api, CAROL, "session-invitation", { registrationId: carol });
    const earlier = new Set(sink.requests().map((r) => r.event?.id));
    const sipp = runSipp({
      scenario: scenario("uac-refused-after-restart.xml"),
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: await freePort(),
      service: CAROL,
      timeoutMs: 60_000,
    });
    sipps.push(sipp);
    const invitation = await sink
      .waitFor(
        (r) =>
          r.event?.type === `${EVENTS}.session-invitation` &&
          r.event.data?.receiverAddress === `tel:${CAROL}` &&
          !earlier.has(r.event.id),
        15_000,
      )
      .catch(async (error: Error) => {
        sipp.stop();
        const r = await sipp.done;
        throw new Error(`${error.message}\nSIPp:\n${r.errors}\n${r.messages.slice(-3000)}`);
      });
    const id = String(invitation.event?.data?.mediaSessionId);
    await put(api, CAROL, id, { status: "Ringing" });

    ({ gw, api } = await restart(gw));
    const r = await sipp.done;
    assert.equal(r.code, 0, `SIPp saw no 480:\n${r.errors}\n${r.messages.slice(-6000)}`);
    const ended = await api("GET", `${SESSIONS}/${id}`, CAROL);
    assert.equal(ended.body.status, "Failed");
    assert.equal(
      ended.body.reason,
      "The gateway restarted before the call was answered; the call attempt was refused (480)",
    );
    await until(
      "rtpengine to release the call",
      Date.now() + 5000,
      async () => (await anchored()).length === 0,
    );
    await kill(gw);
  });
});
