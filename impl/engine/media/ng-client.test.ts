import assert from "node:assert/strict";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { after, before, beforeEach, describe, it } from "node:test";
import { type BencodeDict, bdecode, bencode } from "./bencode.ts";
import { createNgClient, NgError } from "./ng-client.ts";

interface Received {
  cookie: string;
  dict: BencodeDict;
  from: RemoteInfo;
}

/** A fake ng server on loopback: records every datagram and lets each test decide the reply. */
function fakeNgServer() {
  const socket: Socket = createSocket("udp4");
  const received: Received[] = [];
  let handler: (r: Received, reply: (raw: Buffer | string) => void) => void = () => undefined;
  socket.on("message", (message, from) => {
    const space = message.indexOf(0x20);
    const r = {
      cookie: message.toString("latin1", 0, space),
      dict: bdecode(message.subarray(space + 1)) as BencodeDict,
      from,
    };
    received.push(r);
    handler(r, (raw) =>
      socket.send(typeof raw === "string" ? Buffer.from(raw) : raw, from.port, from.address),
    );
  });
  const answer = (cookie: string, dict: BencodeDict) =>
    Buffer.concat([Buffer.from(`${cookie} `), bencode(dict)]);
  return {
    received,
    answer,
    on(h: typeof handler) {
      handler = h;
    },
    port: () => socket.address().port,
    start: () => new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve())),
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

describe("ng client", () => {
  const server = fakeNgServer();
  before(() => server.start());
  after(() => server.stop());
  beforeEach(() => {
    server.received.length = 0;
  });
  const client = (timeoutMs = 100, retries = 2) =>
    createNgClient({ host: "127.0.0.1", port: server.port(), timeoutMs, retries });

  it("sends the cookie, a space and the bencoded dictionary with the command, and resolves the reply", async () => {
    server.on((r, reply) => reply(server.answer(r.cookie, { result: "pong" })));
    const ng = client();
    assert.deepEqual({ ...(await ng.request("ping")) }, { result: "pong" });
    assert.equal(server.received.length, 1);
    assert.match(server.received[0]?.cookie ?? "", /^[0-9a-f]{12}_1$/);
    assert.deepEqual({ ...server.received[0]?.dict }, { command: "ping" });
    await ng.close();
  });

  it("matches replies to requests by cookie when rtpengine answers out of order", async () => {
    const held: Received[] = [];
    const replies = new Map<string, (raw: Buffer) => void>();
    server.on((r, reply) => {
      held.push(r);
      replies.set(r.cookie, reply);
      if (held.length === 2) {
        for (const h of [...held].reverse())
          replies.get(h.cookie)?.(
            server.answer(h.cookie, { result: "ok", "call-id": h.dict["call-id"] as string }),
          );
      }
    });
    const ng = client(1000);
    const [a, b] = await Promise.all([
      ng.request("query", { "call-id": "A" }),
      ng.request("query", { "call-id": "B" }),
    ]);
    assert.equal(a["call-id"], "A");
    assert.equal(b["call-id"], "B");
    await ng.close();
  });

  it("retransmits with the same cookie when a reply is lost and resolves on the retransmission", async () => {
    let seen = 0;
    server.on((r, reply) => {
      seen += 1;
      if (seen === 2) reply(server.answer(r.cookie, { result: "ok" }));
    });
    const ng = client(50);
    assert.equal((await ng.request("list")).result, "ok");
    assert.equal(server.received.length, 2);
    assert.equal(server.received[0]?.cookie, server.received[1]?.cookie);
    await ng.close();
  });

  it("rejects with a timeout NgError after the first attempt and every retry go unanswered", async () => {
    server.on(() => undefined);
    const ng = client(30, 2);
    await assert.rejects(ng.request("ping"), (error: unknown) => {
      assert.ok(error instanceof NgError);
      assert.equal(error.failure, "timeout");
      assert.equal(error.command, "ping");
      assert.match(error.message, /did not answer "ping" after 3 attempts of 30 ms/);
      return true;
    });
    assert.equal(server.received.length, 3);
    await ng.close();
  });

  it("rejects result=error with rtpengine's error-reason", async () => {
    server.on((r, reply) =>
      reply(server.answer(r.cookie, { result: "error", "error-reason": "Unknown call-id" })),
    );
    const ng = client();
    await assert.rejects(ng.request("delete", { "call-id": "x", "from-tag": "y" }), {
      name: "NgError",
      failure: "error",
      message: "Unknown call-id",
      command: "delete",
    });
    await ng.close();
  });

  it("rejects result=load limit as load_limit", async () => {
    server.on((r, reply) => reply(server.answer(r.cookie, { result: "load limit" })));
    const ng = client();
    await assert.rejects(ng.request("offer"), { name: "NgError", failure: "load_limit" });
    await ng.close();
  });

  it("rejects an undecodable reply as malformed", async () => {
    server.on((r, reply) => reply(`${r.cookie} d6:result`));
    const ng = client();
    await assert.rejects(ng.request("ping"), { name: "NgError", failure: "malformed" });
    await ng.close();
  });

  it("rejects a reply that is not a dictionary as malformed", async () => {
    server.on((r, reply) => reply(`${r.cookie} l2:oke`));
    const ng = client();
    await assert.rejects(ng.request("ping"), {
      name: "NgError",
      failure: "malformed",
      message: "rtpengine's reply is not a dictionary",
    });
    await ng.close();
  });

  it("rejects an unknown result value as malformed", async () => {
    server.on((r, reply) => reply(server.answer(r.cookie, { result: "maybe" })));
    const ng = client();
    await assert.rejects(ng.request("ping"), {
      failure: "malformed",
      message: "rtpengine answered result=maybe",
    });
    await ng.close();
  });

  it("ignores datagrams whose cookie matches no pending request", async () => {
    server.on((r, reply) => {
      reply(server.answer("stranger_1", { result: "error", "error-reason": "not yours" }));
      reply("no-space-at-all");
      reply(server.answer(r.cookie, { result: "ok" }));
    });
    const ng = client();
    assert.equal((await ng.request("list")).result, "ok");
    await ng.close();
  });

  it("rejects pending requests with closed when the client closes, and refuses new ones", async () => {
    server.on(() => undefined);
    const ng = client(5000);
    const waiting = ng.request("ping");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await ng.close();
    await assert.rejects(waiting, { name: "NgError", failure: "closed" });
    await assert.rejects(ng.request("ping"), { name: "NgError", failure: "closed" });
  });
});
