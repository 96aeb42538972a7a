/**
 * A re-INVITE from the network that the gateway received and had not answered when it died: the
 * real gateway process (trunk mode, UDP, rtpengine) sends straight to a SIPp callee; rtpengine is
 * paused (SIGSTOP) so that the gateway waits for it to take the re-INVITE's offer, and the gateway is
 * killed with SIGKILL in that wait. The leg's state is written only after the answer, so the
 * recovered dialog still expects the re-INVITE's CSeq: SIPp's retransmission (RFC 3261 §17.1.1.2)
 * reaches the restarted gateway as a new request and is answered 200 through the anchor.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { type Rtpengine, startRtpengine } from "../../../../scripts/lab/rtpengine.ts";
import { runSipp, type SippRun } from "../../../../scripts/lab/sipp.ts";
import { type SpawnedGateway, spawnGateway } from "../../../testing/spawn-gateway.ts";
import { deviceSdp } from "../testing/call-steps.ts";
import { ALICE } from "../testing/sip-lab-gateway.ts";
import { gatewayApi, until } from "../testing/spawned-gateway-api.ts";

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
const scenario = (name: string) => fileURLToPath(new URL(`../testing/scenarios/${name}`, import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a network re-INVITE in flight at a gateway SIGKILL (real process, SIPp as the next hop over UDP, rtpengine)", {
  timeout: 90_000,
}, () => {
  let dir: string;
  let rtpengine: Rtpengine;
  const gateways: SpawnedGateway[] = [];
  let sipp: SippRun | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "reinvite-restart-"));
    rtpengine = await startRtpengine();
  });
  after(async () => {
    sipp?.stop();
    for (const gw of gateways) if (gw.child.exitCode === null) gw.child.kill("SIGKILL");
    await Promise.all(gateways.map((gw) => gw.exited));
    rtpengine?.process.kill("SIGCONT");
    await rtpengine?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is answered by the restarted gateway when the network retransmits it, and the call goes on to its BYE", async () => {
    const sippPort = await freePort();
    const env = {
      ENGINE: "sip",
      SIP_TRANSPORT: "udp",
      SIP_OUTBOUND_PROXY: `sip:127.0.0.1:${sippPort};transport=udp`,
      SIP_REGISTRATION_MODE: "trunk",
      SIP_DOMAIN: "lab.invalid",
      SIP_LOCAL_HOST: "127.0.0.1",
      SIP_LOCAL_PORT: String(await freePort()),
      RTPENGINE_NG: `${rtpengine.ngHost}:${rtpengine.ngPort}`,
      // The gateway waits for the paused rtpengine rather than refusing the re-INVITE before the kill.
      RTPENGINE_TIMEOUT_MS: "10000",
      DATA_DIR: join(dir, "data"),
      DEV_PHONE_NUMBERS: ALICE,
    };
    sipp = runSipp({
      scenario: scenario("uas-reinvite-across-restart.xml"),
      remote: `127.0.0.1:${env.SIP_LOCAL_PORT}`,
      transport: "udp",
      localPort: sippPort,
      timeoutMs: 60_000,
    });
    await sipp.ready;
    const first = await spawnGateway(env);
    gateways.push(first);
    const api = await gatewayApi(first);
    const registered = await api("POST", REGISTRATIONS, ALICE, { deviceId: randomUUID() });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    const created = await api(
      "POST",
      SESSIONS,
      ALICE,
      { receiverAddress: "tel:+34911000902", offer: { sdp: deviceSdp(40000) } },
      { registrationId: String(registered.body.registrationId) },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.mediaSessionId);
    await until(
      "Connected",
      Date.now() + 10_000,
      async () => (await api("GET", `${SESSIONS}/${id}`, ALICE)).body.status === "Connected",
    );
    // SIPp sends its re-INVITE 2 s after its ACK; the gateway then waits on the paused rtpengine.
    rtpengine.process.kill("SIGSTOP");
    await sleep(3500);
    first.child.kill("SIGKILL");
    await first.exited;
    rtpengine.process.kill("SIGCONT");

    const second = await spawnGateway(env);
    gateways.push(second);
    const r = await sipp.done;
    assert.equal(
      r.code,
      0,
      `SIPp's re-INVITE was not answered:\n${r.errors}\n${r.messages.slice(-4000)}\nrestarted gateway:\n${second.logs.join("\n")}`,
    );
    const ended = await (await gatewayApi(second))("GET", `${SESSIONS}/${id}`, ALICE);
    assert.equal(ended.body.status, "Terminated");
  });
});
