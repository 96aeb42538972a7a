import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { startTestGateway, type TestGateway } from "../testing/test-gateway.ts";

/**
 * Request bodies: a nesting depth limit, members beyond the contract dropped before they are stored
 * or echoed, and a large body refused without being read to its end.
 */

const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";
const REGISTRATION_ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";
const MAX_DEPTH = 32;
const LIMIT = 262_144;

const dir = mkdtempSync(join(tmpdir(), "request-body-"));
const storeFile = join(dir, "gateway.db");
let gw: TestGateway;
let registrationId = "";

/** JSON text of `levels` objects, one inside the other: `{"junk":{"junk":…{}}}` has `levels` levels. */
const nested = (levels: number): string => `${'{"junk":'.repeat(levels - 1)}{}${"}".repeat(levels - 1)}`;

const subscription = (extra: Record<string, unknown> = {}) => ({
  protocol: "HTTP",
  sink: "https://127.0.0.1:9443/sink",
  types: [REGISTRATION_ENDS],
  config: { subscriptionDetail: { registrationId } },
  ...extra,
});

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  return JSON.parse(text) as Record<string, unknown>;
}

/** Every stored row of a table, as its JSON text. */
function storedRows(table: string): string[] {
  const db = new Database(storeFile, { readonly: true });
  try {
    return db
      .prepare<[], { data: string }>(`SELECT data FROM ${table}`)
      .all()
      .map((r) => r.data);
  } finally {
    db.close();
  }
}

before(async () => {
  gw = await startTestGateway({ storeFile });
  const res = await gw.request("POST", "/webrtc-registration/v0.3/sessions", {
    body: { deviceId: randomUUID() },
  });
  registrationId = String((await json(res)).registrationId);
});
after(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the nesting depth of a request body", () => {
  const tooDeep = {
    status: 400,
    code: "INVALID_ARGUMENT",
    message: `The request body is nested deeper than ${MAX_DEPTH} levels.`,
  };
  for (const levels of [MAX_DEPTH + 1, 4100, 25_000]) {
    it(`answers createSession nested ${levels} levels deep with 400 INVALID_ARGUMENT`, async () => {
      const res = await gw.request("POST", SESSIONS, {
        headers: { registrationId },
        body: `{"receiverAddress":"tel:+34600000009","junk":${nested(levels - 1)}}`,
      });
      assert.equal(res.status, 400);
      assert.deepEqual(await json(res), tooDeep);
    });
  }

  it("answers a subscription nested 4,100 levels deep (in config) with 400 INVALID_ARGUMENT", async () => {
    const body = JSON.stringify(subscription()).replace('"config":{', `"config":{"junk":${nested(4098)},`);
    const res = await gw.request("POST", SUBSCRIPTIONS, { body });
    assert.equal(res.status, 400);
    assert.deepEqual(await json(res), tooDeep);
  });

  it(`accepts a body nested exactly ${MAX_DEPTH} levels`, async () => {
    const res = await gw.request("POST", SESSIONS, {
      headers: { registrationId },
      body: `{"receiverAddress":"tel:+34600000009","junk":${nested(MAX_DEPTH - 1)}}`,
    });
    assert.equal(res.status, 201, await res.clone().text());
  });
});

describe("members a request body adds beyond the contract", () => {
  it("are neither echoed nor stored by createSession, nor served by getSessionDetailsById", async () => {
    const res = await gw.request("POST", SESSIONS, {
      headers: { registrationId },
      body: {
        receiverAddress: "tel:+34600000008",
        offer: { sdp: "v=0\r\n", junk: "in the offer" },
        junk: "x".repeat(250_000),
      },
    });
    assert.equal(res.status, 201);
    const created = await json(res);
    assert.equal(created.junk, undefined);
    assert.deepEqual(created.offer, { sdp: "v=0\r\n" });
    const read = await json(await gw.request("GET", `${SESSIONS}/${String(created.mediaSessionId)}`));
    assert.equal(read.junk, undefined);
    assert.deepEqual(read.offer, { sdp: "v=0\r\n" });
    assert.ok(
      storedRows("sessions").every((row) => !row.includes("junk")),
      "no stored session holds the undeclared members",
    );
  });

  it("are dropped by updateSessionStatus", async () => {
    const created = await json(
      await gw.request("POST", SESSIONS, {
        headers: { registrationId },
        body: { receiverAddress: "tel:+34600000007" },
      }),
    );
    const res = await gw.request("PUT", `${SESSIONS}/${String(created.mediaSessionId)}/status`, {
      body: { status: "Initial", offer: { sdp: "v=0\r\n", junk: 1 }, junk: { deep: true } },
    });
    const text = await res.text();
    assert.ok(!text.includes("junk"), text);
    assert.ok(storedRows("sessions").every((row) => !row.includes("junk")));
  });

  it("are dropped by createNotificationChannelSubscription, which keeps protocolSettings and its header map", async () => {
    const res = await gw.request("POST", SUBSCRIPTIONS, {
      body: subscription({
        config: { subscriptionDetail: { registrationId, junk: 1 }, junk: 2 },
        sinkCredential: {
          credentialType: "ACCESSTOKEN",
          accessToken: "secret-token",
          accessTokenExpiresUtc: "2099-01-01T00:00:00Z",
          accessTokenType: "bearer",
          junk: 3,
        },
        protocolSettings: { method: "POST", headers: { "X-Tenant": "t1" }, junk: 4 },
        junk: "x".repeat(200_000),
      }),
    });
    assert.equal(res.status, 201);
    const created = await json(res);
    const { id, startsAt, status, ...rest } = created;
    assert.deepEqual(rest, {
      protocol: "HTTP",
      sink: "https://127.0.0.1:9443/sink",
      types: [REGISTRATION_ENDS],
      config: { subscriptionDetail: { registrationId } },
      protocolSettings: { method: "POST", headers: { "X-Tenant": "t1" } },
    });
    const read = await json(await gw.request("GET", `${SUBSCRIPTIONS}/${String(id)}`));
    assert.deepEqual(read, created);
    const rows = storedRows("subscriptions");
    assert.ok(rows.some((row) => row.includes("X-Tenant")));
    assert.ok(
      rows.every((row) => !row.includes("junk")),
      "no stored subscription holds them (sink credential included)",
    );
  });
});

/**
 * Sends a request head, then up to `bodyBytes` of body (raw or chunked) for as long as the server
 * lets it, over a raw loopback socket. Resolves with what came back and whether the server closed
 * the connection before the whole body was sent.
 */
function sendLargeBody(
  port: number,
  head: string,
  bodyBytes: number,
  chunked: boolean,
): Promise<{ response: string; sent: number; closedEarly: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let sent = 0;
    let closed = false;
    let responseComplete = false;
    const chunk = Buffer.alloc(64 * 1024, "a");
    const done = () => {
      socket.destroy();
      resolve({ response: Buffer.concat(received).toString("latin1"), sent, closedEarly: sent < bodyBytes });
    };
    socket.on("data", (data) => {
      received.push(data);
      const text = Buffer.concat(received).toString("latin1");
      const [headers = "", body = ""] = text.split("\r\n\r\n");
      const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? Number.NaN);
      responseComplete = body.length >= length;
      // The server kept the connection open after answering and the whole body went out: it read it.
      if (responseComplete && sent >= bodyBytes) done();
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      closed = true;
      done();
    });
    const pump = () => {
      while (!closed && sent < bodyBytes) {
        const piece = chunked
          ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n")])
          : chunk;
        sent += chunk.length;
        if (!socket.write(piece)) {
          socket.once("drain", pump);
          return;
        }
      }
      if (!closed && chunked) socket.write("0\r\n\r\n");
      if (responseComplete) done();
    };
    socket.on("connect", () => {
      socket.write(head);
      pump();
    });
  });
}

describe("a large request body", () => {
  const port = () => Number(new URL(gw.baseUrl).port);
  const FIFTY_MB = 50 * 1024 * 1024;
  const head = (extra: string) =>
    `POST ${SESSIONS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nregistrationId: ${registrationId}\r\n${extra}\r\n`;
  const statusLine = (response: string) => response.split("\r\n")[0];
  const header = (response: string, name: string) =>
    new RegExp(`^${name}: (.*)$`, "im").exec(response.split("\r\n\r\n")[0] ?? "")?.[1];
  const bodyOf = (response: string) => JSON.parse(response.split("\r\n\r\n")[1] ?? "") as unknown;

  it("without a token is answered 401 and the connection closed, the body left unread", async () => {
    const result = await sendLargeBody(port(), head(`Content-Length: ${FIFTY_MB}\r\n`), FIFTY_MB, false);
    assert.equal(statusLine(result.response), "HTTP/1.1 401 Unauthorized");
    assert.deepEqual(bodyOf(result.response), {
      status: 401,
      code: "UNAUTHENTICATED",
      message:
        "Request not authenticated due to missing, invalid, or expired credentials. A new authentication is required.",
    });
    assert.equal(header(result.response, "connection"), "close");
    assert.ok(result.closedEarly, `the server read all ${result.sent} bytes`);
  });

  it("with a token and a Content-Length over the limit is answered 400 before any of it is read", async () => {
    const token = await gw.token();
    const result = await sendLargeBody(
      port(),
      head(`Authorization: Bearer ${token}\r\nContent-Length: ${FIFTY_MB}\r\n`),
      FIFTY_MB,
      false,
    );
    assert.equal(statusLine(result.response), "HTTP/1.1 400 Bad Request");
    assert.deepEqual(bodyOf(result.response), {
      status: 400,
      code: "INVALID_ARGUMENT",
      message: `The request body is larger than ${LIMIT} bytes.`,
    });
    assert.equal(header(result.response, "connection"), "close");
    assert.ok(result.closedEarly, `the server read all ${result.sent} bytes`);
  });

  it("with a token, sent chunked, is answered 400 once past the limit and the rest left unread", async () => {
    const token = await gw.token();
    const result = await sendLargeBody(
      port(),
      head(`Authorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\n`),
      FIFTY_MB,
      true,
    );
    assert.equal(statusLine(result.response), "HTTP/1.1 400 Bad Request");
    assert.deepEqual(bodyOf(result.response), {
      status: 400,
      code: "INVALID_ARGUMENT",
      message: `The request body is larger than ${LIMIT} bytes.`,
    });
    assert.equal(header(result.response, "connection"), "close");
    assert.ok(result.closedEarly, `the server read all ${result.sent} bytes`);
  });

  it("keeps the connection of a small refused body (read whole) open", async () => {
    const res = await gw.request("POST", SESSIONS, {
      token: null,
      body: { receiverAddress: "tel:+34600000009" },
    });
    assert.equal(res.status, 401);
    assert.notEqual(res.headers.get("connection"), "close");
  });

  it("answers a gzip-encoded body with 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const res = await gw.request("POST", SESSIONS, {
      headers: { registrationId, "content-encoding": "gzip" },
      body: { receiverAddress: "tel:+34600000009" },
    });
    assert.equal(res.status, 415);
    assert.deepEqual(await json(res), {
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "The request body must be UTF-8 encoded application/json without a Content-Encoding.",
    });
  });
});
