import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { type WebSocket, WebSocketServer } from "ws";
import { JanusError, lazyJanusConnection, openJanusConnection } from "./janus-connection.ts";

/** A Janus API stand-in: `create` succeeds, `message` is acked then answered, `bad` errors, `mute` is ignored. */
describe("openJanusConnection", () => {
  let server: WebSocketServer;
  let url: string;
  const protocols: string[] = [];
  const sockets: WebSocket[] = [];

  before(async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (p) => [...p][0] ?? false });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on("connection", (socket, request) => {
      sockets.push(socket);
      protocols.push(String(request.headers["sec-websocket-protocol"]));
      socket.on("message", (data) => {
        const m = JSON.parse(String(data)) as { janus: string; transaction: string; admin_secret?: string };
        const reply = (body: object) => socket.send(JSON.stringify({ ...body, transaction: m.transaction }));
        if (m.janus === "create") reply({ janus: "success", data: { id: 7 }, secret: m.admin_secret });
        if (m.janus === "message") {
          reply({ janus: "ack" });
          socket.send(JSON.stringify({ janus: "webrtcup", session_id: 7, sender: 8 }));
          setTimeout(() => reply({ janus: "event", plugindata: { data: { ok: true } } }), 10);
        }
        if (m.janus === "bad") reply({ janus: "error", error: { code: 458, reason: "No such session 7" } });
      });
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("matches replies by transaction and speaks janus-protocol", async () => {
    const c = await openJanusConnection({ url });
    const reply = await c.request({ janus: "create" });
    assert.deepEqual(reply.data, { id: 7 });
    assert.equal(protocols.at(-1), "janus-protocol");
    c.close();
  });

  it("waits past the ack for a plugin message's event, and hands other messages to event listeners", async () => {
    const c = await openJanusConnection({ url });
    const events: string[] = [];
    c.onEvent((e) => events.push(e.janus));
    const reply = await c.request({ janus: "message" }, { awaitEvent: true });
    assert.equal(reply.janus, "event");
    assert.deepEqual(events, ["webrtcup"]);
    c.close();
  });

  it("rejects a Janus error with its code, a silent Janus with timeout, and pending requests on close", async () => {
    const c = await openJanusConnection({ url, timeoutMs: 100 });
    await assert.rejects(
      c.request({ janus: "bad" }),
      (e: unknown) => e instanceof JanusError && e.code === 458,
    );
    await assert.rejects(
      c.request({ janus: "mute" }),
      (e: unknown) => e instanceof JanusError && e.failure === "timeout",
    );
    const pending = c.request({ janus: "mute" });
    sockets.at(-1)?.close();
    await assert.rejects(pending, (e: unknown) => e instanceof JanusError && e.failure === "closed");
    assert.equal(c.closed, true);
  });

  it("sends the admin secret on the Admin API subprotocol", async () => {
    const c = await openJanusConnection({ url, admin: true, adminSecret: "s3cret" });
    assert.equal((await c.request({ janus: "create" })).secret, "s3cret");
    assert.equal(protocols.at(-1), "janus-admin-protocol");
    c.close();
  });

  it("a lazy connection opens again after the WebSocket closed", async () => {
    const lazy = lazyJanusConnection(() => openJanusConnection({ url }));
    const first = await lazy.get();
    assert.equal(await lazy.get(), first);
    sockets.at(-1)?.close();
    await new Promise((resolve) => first.onClose(() => resolve(undefined)));
    const second = await lazy.get();
    assert.notEqual(second, first);
    assert.deepEqual((await second.request({ janus: "create" })).data, { id: 7 });
    lazy.close();
    await assert.rejects(lazy.get(), (e: unknown) => e instanceof JanusError && e.failure === "closed");
  });

  it("fails with closed when nothing listens", async () => {
    await assert.rejects(
      openJanusConnection({ url: "ws://127.0.0.1:1" }),
      (e: unknown) => e instanceof JanusError && e.failure === "closed",
    );
  });
});
