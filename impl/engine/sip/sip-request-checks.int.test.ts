/**
 * Requests a remote peer sends the gateway straight over UDP (raw datagrams from a socket of the
 * test, on loopback): what RFC 3261 demands of a UAS before it processes a request.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { BOB, type SipLabGateway, startSipLabGateway } from "./testing/sip-lab-gateway.ts";

const ALLOWED = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "UPDATE", "PRACK"];

interface Reply {
  readonly status: number;
  readonly raw: string;
  header(name: string): string | undefined;
}

function parseReply(raw: string): Reply {
  const [first = "", ...lines] = raw.split("\r\n\r\n")[0]?.split("\r\n") ?? [];
  return {
    status: Number(first.split(" ")[1]),
    raw,
    header: (name) =>
      lines
        .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        ?.slice(name.length + 1)
        .trim(),
  };
}

describe("SIP request checks on the wire (UDP, raw datagrams)", () => {
  let gw: SipLabGateway;
  let socket: Socket;
  let port = 0;
  const replies = new Map<string, (raw: string) => void>();
  before(async () => {
    gw = await startSipLabGateway({ transport: "udp" });
    socket = createSocket("udp4");
    socket.on("message", (data) => {
      const raw = data.toString("utf8");
      const branch = /branch=([^;\s]+)/.exec(raw)?.[1];
      if (branch) replies.get(branch)?.(raw);
    });
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    port = socket.address().port;
  });
  after(async () => {
    socket?.close();
    await gw?.close();
  });

  /**
   * A request from the test's socket: `headers` replace the defaults (a value of null leaves the
   * header out). Resolves with the gateway's answer, or rejects when none comes within 5 s.
   */
  function send(
    method: string,
    headers: Record<string, string | null> = {},
    options: { body?: string; ruriUser?: string; ruri?: string; timeoutMs?: number; noAnswer?: boolean } = {},
  ): Promise<Reply> {
    const branch = `z9hG4bK${randomBytes(6).toString("hex")}`;
    const { host, port: gwPort } = gw.engine.local;
    const all: Record<string, string | null> = {
      Via: `SIP/2.0/UDP 127.0.0.1:${port};branch=${branch};rport`,
      "Max-Forwards": "70",
      From: `<sip:peer@127.0.0.1:${port}>;tag=${randomBytes(4).toString("hex")}`,
      To: `<sip:gw@${host}:${gwPort}>`,
      "Call-ID": `${randomBytes(8).toString("hex")}@127.0.0.1`,
      CSeq: `1 ${method}`,
      "Content-Length": String(Buffer.byteLength(options.body ?? "")),
      ...headers,
    };
    const text = [
      `${method} ${options.ruri ?? `sip:${options.ruriUser ?? "gw"}@${host}:${gwPort};transport=udp`} SIP/2.0`,
      ...Object.entries(all)
        .filter((entry): entry is [string, string] => entry[1] !== null)
        .map(([name, value]) => `${name}: ${value}`),
      "",
      options.body ?? "",
    ].join("\r\n");
    if (options.noAnswer) {
      socket.send(text, gwPort, host);
      return Promise.resolve(parseReply(""));
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        replies.delete(branch);
        reject(
          new Error(
            `no answer to ${method} within ${timeoutMs} ms:\n${text}\nlogs:\n${gw.logs.slice(-10).join("\n")}`,
          ),
        );
      }, timeoutMs);
      replies.set(branch, (raw) => {
        // Only final responses: a 100 Trying would be provisional.
        if (/^SIP\/2\.0 1\d\d /.test(raw)) return;
        clearTimeout(timer);
        replies.delete(branch);
        resolve(parseReply(raw));
      });
      socket.send(text, gwPort, host);
    });
  }

  const methodsOf = (allow: string | undefined) =>
    (allow ?? "")
      .trim()
      .split(/\s*,\s*/)
      .filter(Boolean)
      .sort();

  it("answers 400 to a request without Call-ID, never with 'Call-ID: undefined' (RFC 3261 §8.1.1)", async () => {
    const reply = await send("OPTIONS", { "Call-ID": null });
    assert.equal(reply.status, 400, reply.raw);
    assert.match(reply.raw, /^SIP\/2\.0 400 Missing Call-ID\r\n/);
    assert.doesNotMatch(reply.raw, /undefined/);
    assert.equal(reply.header("Call-ID"), undefined);
  });

  for (const name of ["To", "From", "CSeq", "Max-Forwards"])
    it(`answers 400 to a request without ${name} (RFC 3261 §8.1.1)`, async () => {
      const reply = await send(name === "CSeq" ? "OPTIONS" : "INVITE", { [name]: null });
      assert.equal(reply.status, 400, reply.raw);
      assert.match(reply.raw, new RegExp(`^SIP/2\\.0 400 Missing ${name}\\r\\n`));
    });

  it("answers 400 to a request whose CSeq names another method (RFC 3261 §8.1.1.5)", async () => {
    const reply = await send("OPTIONS", { CSeq: "1 INVITE" });
    assert.equal(reply.status, 400, reply.raw);
  });

  it("answers OPTIONS 200 with an Allow of exactly the methods the gateway handles, and Accept application/sdp", async () => {
    const reply = await send("OPTIONS");
    assert.equal(reply.status, 200, reply.raw);
    assert.deepEqual(methodsOf(reply.header("Allow")), [...ALLOWED].sort());
    assert.equal(reply.header("Accept"), "application/sdp");
  });

  for (const method of ["MESSAGE", "SUBSCRIBE", "NOTIFY", "REFER", "INFO", "PUBLISH", "REGISTER"])
    it(`answers an out-of-dialog ${method} with 405 and that Allow (RFC 3261 §8.2.1)`, async () => {
      const reply = await send(method, {}, method === "MESSAGE" ? { body: "hello" } : {});
      assert.equal(reply.status, 405, reply.raw);
      assert.deepEqual(methodsOf(reply.header("Allow")), [...ALLOWED].sort());
    });

  it("answers a MESSAGE inside an unknown dialog with 405 and Allow too (method inspection comes first, §8.2.1)", async () => {
    const reply = await send("MESSAGE", { To: `<sip:gw@${gw.engine.local.host}>;tag=abc` });
    assert.equal(reply.status, 405, reply.raw);
    assert.deepEqual(methodsOf(reply.header("Allow")), [...ALLOWED].sort());
  });

  it("answers a method it does not recognise with 501 Not Implemented (RFC 3261 §21.5.2)", async () => {
    const reply = await send("FROBNICATE");
    assert.equal(reply.status, 501, reply.raw);
  });

  it("answers 400 to a UDP request whose body is shorter than its Content-Length (RFC 3261 §18.3)", async () => {
    const reply = await send(
      "OPTIONS",
      { "Content-Length": "120", "Content-Type": "application/sdp" },
      { body: "v=0\r\n" },
    );
    assert.equal(reply.status, 400, reply.raw);
    assert.match(reply.raw, /^SIP\/2\.0 400 Body Shorter Than Content-Length\r\n/);
  });

  it("answers an incoming INVITE with a 200 whose Allow fields list exactly the handled methods (RFC 3261 §13.3.1.4)", async () => {
    const registrationId = await gw.register(BOB);
    const { host, port: gwPort } = gw.engine.local;
    const sdp =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
    const dialog = {
      From: `<sip:+34911000009@127.0.0.1:${port}>;tag=${randomBytes(4).toString("hex")}`,
      "Call-ID": `${randomBytes(8).toString("hex")}@127.0.0.1`,
    };
    const from = gw.events.length;
    const answered = send(
      "INVITE",
      {
        ...dialog,
        To: `<sip:${BOB}@${host}>`,
        Contact: `<sip:peer@127.0.0.1:${port};transport=udp>`,
        "Content-Type": "application/sdp",
      },
      { body: sdp, ruri: `sip:gw@${host}:${gwPort};transport=udp;rid=${registrationId}`, timeoutMs: 20_000 },
    );
    const invitation = await gw.waitForEvent(
      (e) => gw.events.indexOf(e) >= from && e.type.endsWith("session-invitation"),
    );
    const id = (invitation.data as { mediaSessionId: string }).mediaSessionId;
    const put = await gw.request("PUT", `/webrtc-call-handling/v0.3/sessions/${id}/status`, {
      phone: BOB,
      body: { status: "Connected", answer: { sdp: sdp.replace("49170", "40000") } },
    });
    assert.equal(put.status, 200, await put.text());
    const ok = await answered;
    assert.equal(ok.status, 200, ok.raw);
    const allowFields = ok.raw.split("\r\n").filter((line) => /^allow\s*:/i.test(line));
    assert.ok(allowFields.length > 0, ok.raw);
    const advertised = new Set(allowFields.flatMap((line) => methodsOf(line.slice(line.indexOf(":") + 1))));
    assert.deepEqual([...advertised].sort(), [...ALLOWED].sort(), ok.raw);
    // ACK the 2xx, then hang up.
    const contact = /^contact:\s*<([^>]+)>/im.exec(ok.raw)?.[1] ?? "";
    const inDialog = { ...dialog, To: ok.header("To") ?? "" };
    await send("ACK", { ...inDialog, CSeq: "1 ACK" }, { ruri: contact, noAnswer: true });
    const bye = await send("BYE", { ...inDialog, CSeq: "2 BYE" }, { ruri: contact });
    assert.equal(bye.status, 200, bye.raw);
  });

  it("logs a remote peer's garbage at warn or debug, never at error, and keeps answering", async () => {
    const { host, port: gwPort } = gw.engine.local;
    const garbage = [
      "hello\r\n\r\n",
      "NOT A SIP LINE\r\nVia: x\r\n\r\n",
      `OPTIONS sip:gw@${host}:${gwPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKg1\r\nCSeq: x y z\r\n\r\n`,
      `OPTIONS sip:gw@${host}:${gwPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKg2\r\nFrom: <<<\r\n\r\n`,
      `OPTIONS sip:gw@${host}:${gwPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKg3\r\nContact: @@\r\n\r\n`,
      `OPTIONS sip:gw@${host}:${gwPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKg4\r\nMax-Forwards: 70`,
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKnone\r\nCSeq: 1 INVITE\r\nContent-Length: 10\r\n\r\n",
    ];
    const before = gw.logs.length;
    for (const text of garbage) socket.send(text, gwPort, host);
    assert.equal((await send("OPTIONS")).status, 200, "still answering");
    const lines = gw.logs.slice(before);
    assert.ok(lines.length > 0, "the garbage was noticed");
    assert.deepEqual(
      lines.filter((line) => line.startsWith("error")),
      [],
    );
  });
});
