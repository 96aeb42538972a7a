/**
 * The real gateway process (impl/server.ts) against the lab's Kamailio, killed with SIGKILL and
 * started again on the same store: start-up reconciliation (impl/services/restart-reconciliation.ts)
 * registers the stored registrations again with no API call and ends the sessions whose call leg
 * died with the process.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type SinkReceiver, startSinkReceiver } from "../../../conformance/sink/index.ts";
import { ensureDevCa } from "../../../scripts/dev-ca/dev-ca.ts";
import { freePort } from "../../../scripts/lab/free-port.ts";
import { type Lab, startLab } from "../../../scripts/lab/lab.ts";
import { runSipp, type SippRun } from "../../../scripts/lab/sipp.ts";
import { fromRoot } from "../../../scripts/lib/paths.ts";
import { type SpawnedGateway, spawnGateway } from "../../testing/spawn-gateway.ts";
import { ALICE, BOB } from "./testing/sip-lab-gateway.ts";
import { gatewayApi, until } from "./testing/spawned-gateway-api.ts";

const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";
const EVENTS = "org.camaraproject.webrtc-events.v0";

describe("a gateway restarted after SIGKILL (ENGINE=sip, real process, Kamailio registrar)", () => {
  let dir: string;
  let lab: Lab;
  let sink: SinkReceiver;
  let env: Record<string, string>;
  const gateways: SpawnedGateway[] = [];
  const sipps: SippRun[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "restart-recovery-"));
    lab = await startLab({
      credentials: new Map([
        [ALICE, "alice-secret"],
        [BOB, "bob-secret"],
      ]),
    });
    const credentialsFile = join(dir, "credentials.json");
    writeFileSync(credentialsFile, JSON.stringify({ [ALICE]: "alice-secret", [BOB]: "bob-secret" }));
    const ca = ensureDevCa(fromRoot("data", "dev-ca"));
    sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
    env = {
      ...lab.gatewayEnv("tcp", credentialsFile),
      DATA_DIR: join(dir, "data"),
      DEV_CA_DIR: ca.dir,
      DEV_PHONE_NUMBERS: `${ALICE},${BOB}`,
      EVENT_SINK_ALLOWLIST: `127.0.0.1:${sink.port}`,
      EVENT_RETRY_BASE_MS: "100",
      EVENT_RETRY_MAX_MS: "1000",
      REGISTRATION_RESTORE_SPREAD_MS: "2000",
      // The restarted gateway listens where the network's in-dialog requests and responses go.
      SIP_LOCAL_PORT: String(await freePort()),
    };
  });
  after(async () => {
    for (const sipp of sipps) sipp.stop();
    for (const gw of gateways) if (gw.child.exitCode === null) gw.child.kill("SIGKILL");
    await Promise.all(gateways.map((gw) => gw.exited));
    await sink?.close();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
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

  it("registers a stored registration at Kamailio again within 10 s with no API call, ends one the registrar now refuses with registration-ends, and ends a ringing call Failed (CANCEL sent) with its session-status and subscription-ended", async () => {
    const first = await start();
    const register = async (phone: string) => {
      const res = await first.api("POST", REGISTRATIONS, phone, { deviceId: randomUUID() });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return String(res.body.registrationId);
    };
    const alice = await register(ALICE);
    const bob = await register(BOB);
    assert.match(await lab.registrations(ALICE), new RegExp(`rid=${alice}`));
    assert.match(await lab.registrations(BOB), new RegExp(`rid=${bob}`));
    const subscribe = async (phone: string, type: string, detail: Record<string, string>) => {
      const res = await first.api("POST", SUBSCRIPTIONS, phone, {
        protocol: "HTTP",
        sink: sink.url(`/${type}`),
        types: [`${EVENTS}.${type}`],
        config: { subscriptionDetail: detail },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return String(res.body.id);
    };
    await subscribe(BOB, "registration-ends", { registrationId: bob });

    // Alice calls a callee that rings and never answers: the session is Ringing when the gateway dies.
    const callee = "+34911000700";
    const port = await freePort();
    await lab.setPeer(callee, `sip:127.0.0.1:${port};transport=tcp`);
    const sipp = runSipp({
      scenario: "uas-no-answer.xml",
      remote: `127.0.0.1:${lab.sipPort}`,
      transport: "tcp",
      localPort: port,
      timeoutMs: 60_000,
    });
    sipps.push(sipp);
    await sipp.ready;
    const created = await first.api(
      "POST",
      SESSIONS,
      ALICE,
      { receiverAddress: `tel:${callee}` },
      { registrationId: alice },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const call = String(created.body.mediaSessionId);
    const sessionStatus = await subscribe(ALICE, "session-status", {
      registrationId: alice,
      sessionId: call,
    });
    await until("the call to ring", Date.now() + 10_000, async () => {
      const res = await first.api("GET", `${SESSIONS}/${call}`, ALICE);
      return res.body.status === "Ringing";
    });

    await kill(first.gw);
    // The registrar forgets the bindings (as it would once they expire), and Bob's account goes away.
    await lab.removeRegistrations(ALICE);
    await lab.removeRegistrations(BOB);
    await lab.deleteSubscriber(BOB);
    assert.doesNotMatch(await lab.registrations(ALICE), /rid=/);

    const restartedAt = Date.now();
    const second = await start();
    await until("Alice's binding at Kamailio", restartedAt + 10_000, async () =>
      (await lab.registrations(ALICE)).includes(`rid=${alice}`),
    );

    const ends = await sink.waitFor(
      (r) => r.event?.type === `${EVENTS}.registration-ends` && r.event.data?.registrationId === bob,
      15_000,
    );
    assert.equal(ends.event?.data?.terminationReason, "NETWORK_TERMINATED");
    assert.match(
      String(ends.event?.data?.terminationDescription),
      /^The network refused the registration after a gateway restart \(REGISTER \+34600000002: 403 /,
    );
    assert.deepEqual(
      (await second.api("PUT", `${REGISTRATIONS}/${bob}`, BOB, {})).body.code,
      "NOT_FOUND",
      "Bob's registration has ended",
    );

    const ended = await second.api("GET", `${SESSIONS}/${call}`, ALICE);
    assert.equal(ended.body.status, "Failed");
    // The restarted gateway CANCELs the INVITE it had persisted (call/recover-dialog.ts).
    assert.equal(
      ended.body.reason,
      "The gateway restarted before the call was answered; the call attempt was cancelled",
    );
    const failed = await sink.waitFor(
      (r) => r.event?.type === `${EVENTS}.session-status` && r.event.data?.status === "Failed",
      15_000,
    );
    assert.equal(failed.event?.data?.mediaSessionId, call);
    const subscriptionEnded = await sink.waitFor(
      (r) =>
        r.event?.type === `${EVENTS}.subscription-ended` && r.event.data?.subscriptionId === sessionStatus,
      15_000,
    );
    assert.equal(subscriptionEnded.event?.data?.terminationReason, "NETWORK_TERMINATED");
  });
});
