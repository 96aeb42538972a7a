/**
 * The ACK of the 487 that answers the CANCEL a restarted gateway sends for a ringing outgoing call
 * (call/ack-cancelled-invite.ts), on the wire: the real gateway process (trunk mode, UDP) sends
 * straight to a SIPp callee, with no proxy between that would ACK the 487 hop by hop, is killed with
 * SIGKILL while the call rings and started again on the same store and SIP port.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp, type SippRun } from "../../../../scripts/lab/sipp.ts";
import { type SpawnedGateway, spawnGateway } from "../../../testing/spawn-gateway.ts";
import { deviceSdp } from "../testing/call-steps.ts";
import { ALICE } from "../testing/sip-lab-gateway.ts";
import { gatewayApi, until } from "../testing/spawned-gateway-api.ts";

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
const scenario = (name: string) => fileURLToPath(new URL(`../testing/scenarios/${name}`, import.meta.url));

describe("the 487 to a call cancelled after a gateway restart (SIGKILL; real process, SIPp as the next hop, UDP)", {
  timeout: 90_000,
}, () => {
  let dir: string;
  const gateways: SpawnedGateway[] = [];
  let sipp: SippRun | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cancel-ack-"));
  });
  after(async () => {
    sipp?.stop();
    for (const gw of gateways) if (gw.child.exitCode === null) gw.child.kill("SIGKILL");
    await Promise.all(gateways.map((gw) => gw.exited));
    rmSync(dir, { recursive: true, force: true });
  });

  it("is ACKed by the restarted gateway with the INVITE's Via branch and CSeq number and the 487's To tag", async () => {
    const sippPort = await freePort();
    const env = {
      ENGINE: "sip",
      SIP_TRANSPORT: "udp",
      SIP_OUTBOUND_PROXY: `sip:127.0.0.1:${sippPort};transport=udp`,
      SIP_REGISTRATION_MODE: "trunk",
      SIP_DOMAIN: "lab.invalid",
      SIP_LOCAL_HOST: "127.0.0.1",
      SIP_LOCAL_PORT: String(await freePort()),
      DATA_DIR: join(dir, "data"),
      DEV_PHONE_NUMBERS: ALICE,
    };
    sipp = runSipp({
      scenario: scenario("uas-ack-after-restart-cancel.xml"),
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
      { receiverAddress: "tel:+34911000901", offer: { sdp: deviceSdp(40000) } },
      { registrationId: String(registered.body.registrationId) },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.mediaSessionId);
    await until(
      "Ringing",
      Date.now() + 10_000,
      async () => (await api("GET", `${SESSIONS}/${id}`, ALICE)).body.status === "Ringing",
    ).catch(async (error: Error) => {
      sipp?.stop();
      const r = await sipp?.done;
      throw new Error(
        `${error.message}\ngateway:\n${first.logs.slice(-15).join("\n")}\nSIPp:\n${r?.errors}\n${r?.messages.slice(-3000)}`,
      );
    });
    // Once the leg's state is written (a turn of the event loop and a group commit later).
    await new Promise((r) => setTimeout(r, 300));
    first.child.kill("SIGKILL");
    await first.exited;

    const second = await spawnGateway(env);
    gateways.push(second);
    const r = await sipp.done;
    assert.equal(r.code, 0, `SIPp saw no right ACK:\n${r.errors}\n${r.messages.slice(-6000)}`);
    const ended = await (await gatewayApi(second))("GET", `${SESSIONS}/${id}`, ALICE);
    assert.equal(ended.body.status, "Failed");
  });
});
