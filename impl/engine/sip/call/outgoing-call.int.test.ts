import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort } from "../../../../scripts/lab/free-port.ts";
import { runSipp } from "../../../../scripts/lab/sipp.ts";
import { ALICE, type SipLabGateway, sid, startSipLabGateway } from "../testing/sip-lab-gateway.ts";

const SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

for (const transport of ["tcp", "udp", "ws"] as const)
  describe(`outgoing call through Kamailio to a SIPp callee (gateway on ${transport})`, () => {
    let gw: SipLabGateway;
    let registrationId: string;
    before(async () => {
      gw = await startSipLabGateway({ transport });
      registrationId = await gw.register(ALICE);
    });
    after(async () => gw?.close());

    it("registers the subscriber at the registrar with digest auth", async () => {
      assert.match(await gw.lab.registrations(ALICE), new RegExp(`rid=${registrationId}`));
    });

    it("goes Initial → InProgress (reliable 183, PRACK) → Ringing → Connected, then BYE on DELETE", async () => {
      const port = await freePort();
      await gw.lab.setPeer("+34911000001", `sip:127.0.0.1:${port};transport=tcp`);
      const sipp = runSipp({
        scenario: "uas-answer.xml",
        remote: `127.0.0.1:${gw.lab.sipPort}`,
        transport: "tcp",
        localPort: port,
      });
      await sipp.ready;
      const res = await gw.request("POST", "/webrtc-call-handling/v0.3/sessions", {
        headers: { registrationId },
        body: { receiverAddress: "tel:+34911000001", originatorName: "Alice", offer: { sdp: SDP } },
      });
      const created = (await res.json()) as { mediaSessionId: string; status: string };
      assert.equal(res.status, 201, JSON.stringify(created));
      assert.equal(created.status, "Initial");
      const id = created.mediaSessionId;
      await gw
        .waitForEvent((e) => sid(e) === id && (e.data as { status?: string }).status === "Connected")
        .catch(async (error: Error) => {
          sipp.stop();
          const r = await sipp.done;
          throw new Error(`${error.message}\nSIPp:\n${r.errors}\n${r.messages.slice(-6000)}`);
        });
      const got = (await (await gw.request("GET", `/webrtc-call-handling/v0.3/sessions/${id}`)).json()) as {
        status: string;
        answer?: { sdp: string };
      };
      assert.equal(got.status, "Connected");
      assert.match(got.answer?.sdp ?? "", /m=audio 49170 RTP\/AVP 0/);
      assert.equal((await gw.request("DELETE", `/webrtc-call-handling/v0.3/sessions/${id}`)).status, 204);
      const result = await sipp.done;
      assert.equal(
        result.code,
        0,
        `SIPp failed:\n${result.errors}\n${result.output.slice(-3000)}\n${result.messages.slice(-6000)}`,
      );
      assert.deepEqual(gw.statuses(id), ["InProgress", "Ringing", "Connected", "Terminated"]);
    });
  });
