/**
 * The notification relay delivering to a real browser (Debian Chromium through playwright-core):
 * the page opens the relay's WebSocket on the real gateway process, subscribes with the sink it is
 * given, receives the events in order, and after a disconnection gets what it missed from its cursor.
 * Run inside a loopback-only network namespace:
 *   scripts/lib/netns-run.sh events node --import tsx --test impl/relay/*.int.test.ts
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from "../e2e/support/chromium.ts";
import { type SpawnedGateway, spawnGateway } from "../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../testing/test-gateway.ts";
import { SOCKET_PATH } from "./relay-socket.ts";

const PHONE = "+34600000001";
const dataDir = mkdtempSync(join(tmpdir(), "relay-browser-"));

/** The device page: keeps every relay message in window.relayMessages and can (re)connect. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>relay device</title><script>
window.relayMessages = [];
window.relayConnect = (url, open) => new Promise((resolve, reject) => {
  const socket = new WebSocket(url);
  window.relaySocket = socket;
  socket.onopen = () => socket.send(JSON.stringify({ type: "open", ...open }));
  socket.onmessage = (m) => {
    const message = JSON.parse(m.data);
    window.relayMessages.push(message);
    if (message.type === "channel") resolve(message);
  };
  socket.onclose = (e) => reject(new Error("closed " + e.code + " " + e.reason));
});
window.relayDisconnect = () => new Promise((resolve) => {
  window.relaySocket.onclose = () => resolve();
  window.relaySocket.close();
});
</script>`;

let gw: SpawnedGateway;
let browser: Browser;
let page: Page;
let pageServer: Server;
let call: (method: string, path: string, body?: object) => Promise<Record<string, unknown>>;

before(async () => {
  ensureChromium();
  gw = await spawnGateway({ DATA_DIR: dataDir });
  const token = await gw.token(PHONE, ALL_SCOPES);
  call = async (method, path, body) => {
    const res = await fetch(`${gw.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  pageServer = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(PAGE));
  await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
  // The project's Chromium flags (impl/e2e/support/chromium.ts); launch() uses a fresh profile.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage();
  await page.goto(`http://localhost:${(pageServer.address() as AddressInfo).port}/`);
});
after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (pageServer ? pageServer.close(() => resolve()) : resolve()));
  gw?.child.kill("SIGTERM");
  await gw?.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

interface Channel {
  channelId: string;
  sink: string;
  sinkCredential: object;
  cursor: number;
}
type Message = { type: "event"; cursor: number; event: { type: string; data: { subscriptionId: string } } };

async function events(count: number): Promise<Message[]> {
  await page.waitForFunction(
    (n) =>
      (globalThis as unknown as { relayMessages: { type: string }[] }).relayMessages.filter(
        (m) => m.type === "event",
      ).length >= n,
    count,
    { timeout: 15_000 },
  );
  return page.evaluate(() =>
    (globalThis as unknown as { relayMessages: { type: string }[] }).relayMessages.filter(
      (m) => m.type === "event",
    ),
  ) as Promise<Message[]>;
}

describe("the notification relay in Chromium", () => {
  it("delivers events posted to the page's sink over its WebSocket, in order, and replays missed ones on reconnection", async () => {
    const socketUrl = `${gw.baseUrl.replace(/^http/, "ws")}${SOCKET_PATH}`;
    const accessToken = await gw.token(PHONE, ["webrtc-events:read"]);
    const channel = (await page.evaluate(
      ([url, token]) =>
        (
          globalThis as unknown as {
            relayConnect: (u: string, o: object) => Promise<unknown>;
          }
        ).relayConnect(url ?? "", { accessToken: token }),
      [socketUrl, accessToken],
    )) as Channel;
    assert.match(channel.sink, /^https:\/\/127\.0\.0\.1:\d+\//);

    const registration = await call("POST", "/webrtc-registration/v0.3/sessions", {
      deviceId: crypto.randomUUID(),
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const sub = await call("POST", "/webrtc-events/v0.2/subscriptions", {
        protocol: "HTTP",
        sink: channel.sink,
        sinkCredential: channel.sinkCredential,
        types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
        config: { subscriptionDetail: { registrationId: registration.registrationId } },
      });
      ids.push(String(sub.id));
    }
    for (const id of ids.slice(0, 3)) await call("DELETE", `/webrtc-events/v0.2/subscriptions/${id}`);
    const live = await events(3);
    assert.deepEqual(
      live.map((m) => [m.cursor, m.event.type, m.event.data.subscriptionId]),
      ids.slice(0, 3).map((id, i) => [i + 1, "org.camaraproject.webrtc-events.v0.subscription-ended", id]),
    );

    await page.evaluate(() =>
      (globalThis as unknown as { relayDisconnect: () => Promise<void> }).relayDisconnect(),
    );
    for (const id of ids.slice(3)) await call("DELETE", `/webrtc-events/v0.2/subscriptions/${id}`);
    // Both deliveries reach the relay while the page is away: wait until the outbox is empty.
    await waitForOutboxEmpty();
    await page.evaluate(
      ([url, token, channelId]) =>
        (globalThis as unknown as { relayConnect: (u: string, o: object) => Promise<unknown> }).relayConnect(
          url ?? "",
          {
            accessToken: token,
            channelId,
            cursor: 3,
          },
        ),
      [socketUrl, accessToken, channel.channelId],
    );
    const all = await events(5);
    assert.deepEqual(
      all.map((m) => [m.cursor, m.event.data.subscriptionId]),
      ids.map((id, i) => [i + 1, id]),
    );
  });
});

/** Polls the delivery metrics until no event is pending (bounded: 10 s). */
async function waitForOutboxEmpty() {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const text = await (await fetch(`${gw.baseUrl}/metrics/events`)).text();
    const pending = /camara_events_outbox\{status="pending"\} (\d+)/.exec(text)?.[1];
    const delivered = /camara_events_delivery_attempts_total\{outcome="accepted"\} (\d+)/.exec(text)?.[1];
    if ((pending === undefined || pending === "0") && Number(delivered) >= 5) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the outbox did not drain");
}
