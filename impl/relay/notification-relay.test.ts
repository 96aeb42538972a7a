import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createDevIssuer, createJwtVerifier, type DevIssuer } from "camara-webrtc-runtime";
import pino from "pino";
import { WebSocket } from "ws";
import { createHttpSender } from "../events/http-sender.ts";
import {
  type EventsTestGateway,
  startEventsTestGateway,
  testDevCa,
} from "../events/testing/events-test-gateway.ts";
import { ALICE, AUDIENCE, BOB, ISSUER } from "../testing/test-gateway.ts";
import { type NotificationRelay, startNotificationRelay } from "./notification-relay.ts";
import { SOCKET_PATH } from "./relay-socket.ts";

interface ChannelMessage {
  type: "channel";
  channelId: string;
  sink: string;
  sinkCredential: {
    credentialType: string;
    accessToken: string;
    accessTokenType: string;
    accessTokenExpiresUtc: string;
  };
  cursor: number;
}
interface EventMessage {
  type: "event";
  cursor: number;
  event: { id: string; type: string; data: Record<string, unknown> };
}

const dir = mkdtempSync(join(tmpdir(), "relay-"));
let issuer: DevIssuer;
let relay: NotificationRelay;
let http: Server;
let wsUrl: string;
const sender = createHttpSender({ timeoutMs: 5000, devCaPem: testDevCa().caCertPem });

/** A device: a socket, its messages, and a way to wait for the n-th one. */
async function connect(open: object) {
  const socket = new WebSocket(wsUrl);
  const messages: (ChannelMessage | EventMessage)[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data) => {
    messages.push(JSON.parse(data.toString()));
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ type: "open", ...open }));
  return {
    socket,
    messages,
    closed,
    async nth(n: number, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline)
          throw new Error(`only ${messages.length} messages: ${JSON.stringify(messages)}`);
        await Promise.race([
          new Promise<void>((r) => waiters.push(r)),
          new Promise((r) => setTimeout(r, 100)),
        ]);
      }
      return messages[n - 1];
    },
  };
}

function post(
  channel: ChannelMessage,
  body: object,
  authorization = `Bearer ${channel.sinkCredential.accessToken}`,
) {
  return sender.send({
    sink: channel.sink,
    body: JSON.stringify(body),
    correlator: "relay-test",
    authorization,
    trust: "dev-ca",
  });
}

before(async () => {
  issuer = await createDevIssuer({
    issuer: ISSUER,
    audience: AUDIENCE,
    clients: [{ clientId: "c", clientSecret: "s" }],
    phoneNumbers: [ALICE, BOB],
  });
  relay = await startNotificationRelay({
    config: {
      enabled: true,
      port: 0,
      host: "127.0.0.1",
      publicUrl: undefined,
      tlsCertFile: testDevCa().serverCertFile,
      tlsKeyFile: testDevCa().serverKeyFile,
      channelTtlSec: 3600,
      replayLimit: 100,
    },
    store: join(dir, "relay.db"),
    verifier: createJwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: issuer.jwks() }),
    logger: pino({ level: "silent" }),
  });
  http = createServer((_req, res) => res.writeHead(404).end());
  relay.attach(http);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  wsUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}${SOCKET_PATH}`;
});
after(async () => {
  await relay.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await sender.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the notification relay", () => {
  it("opens a channel for a valid access token and hands out an https sink with its bearer credential", async () => {
    const device = await connect({
      accessToken: await issuer.issueToken({ phoneNumber: ALICE, scopes: [] }),
    });
    const channel = (await device.nth(1)) as ChannelMessage;
    assert.equal(channel.type, "channel");
    assert.match(channel.sink, /^https:\/\/127\.0\.0\.1:\d+\/relay\/v0\/sinks\/[\w-]+$/);
    assert.equal(channel.sinkCredential.credentialType, "ACCESSTOKEN");
    assert.equal(channel.sinkCredential.accessTokenType, "bearer");
    assert.equal(channel.cursor, 0);
    device.socket.close();
  });

  it("passes notifications posted to the sink to the socket in order, and replays missed ones from the cursor on reconnection", async () => {
    const token = await issuer.issueToken({ phoneNumber: ALICE, scopes: [] });
    const first = await connect({ accessToken: token });
    const channel = (await first.nth(1)) as ChannelMessage;
    for (let i = 1; i <= 3; i++)
      assert.deepEqual(await post(channel, { id: `e${i}` }), { kind: "accepted", status: 204 });
    await first.nth(4);
    assert.deepEqual(
      first.messages.slice(1).map((m) => [(m as EventMessage).cursor, (m as EventMessage).event.id]),
      [
        [1, "e1"],
        [2, "e2"],
        [3, "e3"],
      ],
    );
    first.socket.close();
    await first.closed;
    for (let i = 4; i <= 5; i++) await post(channel, { id: `e${i}` });
    const again = await connect({ accessToken: token, channelId: channel.channelId, cursor: 3 });
    await again.nth(3);
    await post(channel, { id: "e6" });
    await again.nth(4);
    assert.equal((again.messages[0] as ChannelMessage).channelId, channel.channelId);
    assert.deepEqual(
      again.messages.slice(1).map((m) => [(m as EventMessage).cursor, (m as EventMessage).event.id]),
      [
        [4, "e4"],
        [5, "e5"],
        [6, "e6"],
      ],
    );
    again.socket.close();
  });

  it("closes with 4401 for an invalid access token", async () => {
    const device = await connect({ accessToken: "not-a-token" });
    assert.deepEqual(await device.closed, { code: 4401, reason: "invalid access token" });
  });

  it("closes with 4403 when another subscriber tries to resume the channel, and 4404 for an unknown one", async () => {
    const alice = await connect({ accessToken: await issuer.issueToken({ phoneNumber: ALICE, scopes: [] }) });
    const channel = (await alice.nth(1)) as ChannelMessage;
    const bob = await connect({
      accessToken: await issuer.issueToken({ phoneNumber: BOB, scopes: [] }),
      channelId: channel.channelId,
    });
    assert.deepEqual(await bob.closed, { code: 4403, reason: "not your channel" });
    const unknown = await connect({
      accessToken: await issuer.issueToken({ phoneNumber: BOB, scopes: [] }),
      channelId: "nope",
    });
    assert.deepEqual(await unknown.closed, { code: 4404, reason: "unknown channel" });
    alice.socket.close();
  });

  it("answers a WebSocket upgrade on any other path with 404 NOT_FOUND and closes the connection", {
    timeout: 5000,
  }, async () => {
    const other = wsUrl.replace(SOCKET_PATH, "/relay/v0/other");
    const socket = new WebSocket(other);
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      socket.once("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      socket.once("open", () => reject(new Error("the upgrade was accepted")));
    });
    assert.equal(refused.status, 404);
    assert.deepEqual(JSON.parse(refused.body), {
      status: 404,
      code: "NOT_FOUND",
      message: "No WebSocket endpoint at this path.",
    });
  });

  it("closes with 4400 when the first message is not an open message", async () => {
    const device = await connect({ accessToken: 42 });
    assert.deepEqual(await device.closed, { code: 4400, reason: "expected {type: open, accessToken}" });
  });

  it("refuses a post to the sink without the channel's bearer token (401)", async () => {
    const device = await connect({
      accessToken: await issuer.issueToken({ phoneNumber: ALICE, scopes: [] }),
    });
    const channel = (await device.nth(1)) as ChannelMessage;
    assert.deepEqual(await post(channel, { id: "x" }, "Bearer wrong"), { kind: "unauthorized" });
    assert.deepEqual(await post(channel, { id: "x" }, ""), { kind: "rejected", status: 401 });
    device.socket.close();
  });
  it("answers 404 for a sink path that is not a valid percent-encoding, not 500", async () => {
    const device = await connect({
      accessToken: await issuer.issueToken({ phoneNumber: ALICE, scopes: [] }),
    });
    const channel = (await device.nth(1)) as ChannelMessage;
    const malformed = { ...channel, sink: `${new URL(channel.sink).origin}/relay/v0/sinks/%E0%A4%A` };
    assert.deepEqual(await post(malformed, { id: "x" }), { kind: "rejected", status: 404 });
    device.socket.close();
  });
});

describe("the notification relay behind the gateway's dispatcher", () => {
  let gw: EventsTestGateway;
  before(async () => {
    gw = await startEventsTestGateway({ allowlist: [relay.hostPort] });
  });
  after(async () => gw.close());

  it("receives a session-invitation for a subscription whose sink is the channel's", async () => {
    const device = await connect({
      accessToken: await issuer.issueToken({ phoneNumber: ALICE, scopes: [] }),
    });
    const channel = (await device.nth(1)) as ChannelMessage;
    const registrationId = await gw.register();
    const res = await gw.subscribe({
      protocol: "HTTP",
      sink: channel.sink,
      sinkCredential: channel.sinkCredential,
      types: ["org.camaraproject.webrtc-events.v0.session-invitation"],
      config: { subscriptionDetail: { registrationId } },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const mediaSessionId = randomUUID();
    await gw.engine.listener.incomingCall({
      mediaSessionId,
      registrationId,
      originatorAddress: "tel:+34600000009",
      originatorName: undefined,
      receiverAddress: "tel:+34600000001",
      offerSdp: undefined,
    });
    const message = (await device.nth(2)) as EventMessage;
    assert.equal(message.event.type, "org.camaraproject.webrtc-events.v0.session-invitation");
    assert.equal(message.event.data.mediaSessionId, mediaSessionId);
    device.socket.close();
  });
});
