import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ALICE, BOB, rid, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";
import { sippCallee, sippPassed } from "../testing/sipp-callee.ts";

const cseqOf = (dump: string) => Number(/CSeq:\s*(\d+)/i.exec(dump)?.[1] ?? -1);
const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("registration interworking with the Kamailio registrar (TCP)", () => {
  let gw: SipLabGateway;
  before(async () => {
    gw = await startSipLabGateway({ transport: "tcp", registerExpiresSec: 3 });
  });
  after(async () => gw?.close());

  it("refreshes the REGISTER before the granted expiry (CSeq grows at the registrar)", async () => {
    const id = await gw.register(ALICE);
    const first = cseqOf(await gw.lab.registrations(ALICE));
    assert.ok(first > 0);
    await until("a refresh", async () => cseqOf(await gw.lab.registrations(ALICE)) > first);
    assert.match(await gw.lab.registrations(ALICE), new RegExp(`rid=${id}`));
  });

  it("sends REGISTER Expires: 0 on DELETE", async () => {
    const id = await gw.register(ALICE);
    assert.match(await gw.lab.registrations(ALICE), new RegExp(`rid=${id}`));
    assert.equal((await gw.request("DELETE", `/webrtc-registration/v0.3/sessions/${id}`)).status, 204);
    assert.doesNotMatch(await gw.lab.registrations(ALICE), new RegExp(`rid=${id}`));
  });

  it("removes a Contact of the same registration left at another address (an earlier run, a dead cluster node)", async () => {
    const id = await gw.register(ALICE);
    const stale = `sip:gw@127.0.0.1:9;transport=tcp;rid=${id}`;
    // ul.add <table> <AOR> <contact> <expires> <q> <path> <flags> <cflags> <methods>; q must be a double
    await gw.lab.kamcmd("ul.add", "location", ALICE, stale, 60, 0.5, "", 0, 0, 0);
    assert.match(await gw.lab.registrations(ALICE), /127\.0\.0\.1:9;transport=tcp/);
    try {
      const put = await gw.request("PUT", `/webrtc-registration/v0.3/sessions/${id}`, { body: {} });
      assert.ok(put.status < 300, `PUT answered ${put.status}`);
      await until("the stale Contact removed", async () => {
        const dump = await gw.lab.registrations(ALICE);
        return !dump.includes("127.0.0.1:9;transport=tcp");
      });
      assert.match(await gw.lab.registrations(ALICE), new RegExp(`rid=${id}`));
    } finally {
      // The later tests read ALICE's binding: leave no foreign Contact behind even when this one fails.
      await gw.lab.kamcmd("ul.rm_contact", "location", ALICE, stale).catch(() => undefined);
    }
  });

  it("re-opens the TCP flow after it drops, re-registers on it, and calls still go through", async () => {
    const id = await gw.register(ALICE);
    const before = cseqOf(await gw.lab.registrations(ALICE));
    gw.engine.dropProxyFlow();
    await until(
      "a re-REGISTER after the reconnect",
      async () => cseqOf(await gw.lab.registrations(ALICE)) > before,
    );
    const sipp = await sippCallee(gw, "+34911000300", "uas-reject.xml", { code: 486 });
    const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
      headers: { registrationId: id },
      body: { receiverAddress: "tel:+34911000300" },
    });
    const call = (await res.json()) as { mediaSessionId: string };
    assert.equal(res.status, 201);
    await gw.waitForEvent(
      (e) => sid(e) === call.mediaSessionId && (e.data as { status?: string }).status === "Busy",
    );
    await sippPassed(sipp);
  });

  it("ends the registration with registration-ends NETWORK_TERMINATED when the network refuses the refresh", async () => {
    const id = await gw.register(BOB);
    await gw.lab.deleteSubscriber(BOB);
    await gw.lab.removeRegistrations(BOB);
    const ended = await gw.waitForEvent((e) => e.type.endsWith("registration-ends") && rid(e) === id);
    const data = ended.data as { terminationReason: string; terminationDescription: string };
    assert.equal(data.terminationReason, "NETWORK_TERMINATED");
    assert.match(data.terminationDescription, /403 Forbidden/);
    const res = await gw.request("DELETE", `/webrtc-registration/v0.3/sessions/${id}`, { phone: BOB });
    assert.equal(res.status, 404);
  });
});
