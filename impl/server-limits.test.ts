import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type SpawnedGateway, spawnGateway } from "./testing/spawn-gateway.ts";

/**
 * The HTTP limits of the real process (impl/server.ts), configured through its environment: header
 * and request timeouts, keep-alive, the connection limit, the body limit, and TRUST_PROXY keying
 * the rate limit on the client behind the proxy. Loopback only.
 */

const dataDir = mkdtempSync(join(tmpdir(), "gateway-limits-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** Guards against a server that never closes; the assertions are about what it answers. */
const GUARD = { timeout: 20_000 };

/** Opens a raw connection, writes `request`, resolves with all it received once the server closes it. */
function untilClosed(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    const received: Buffer[] = [];
    socket.on("data", (d) => received.push(d));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(Buffer.concat(received).toString("latin1")));
  });
}

/** Opens a raw connection, sends one GET, resolves with the socket once the whole answer is in. */
function keptOpen(port: number, path: string): Promise<{ socket: ReturnType<typeof connect>; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    );
    let text = "";
    socket.on("data", (d) => {
      text += d.toString("latin1");
      const [head = "", body = ""] = text.split("\r\n\r\n");
      const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
      if (body.length >= length) resolve({ socket, head });
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed after ${JSON.stringify(text)}`)));
  });
}

const portOf = (gateway: SpawnedGateway) => Number(new URL(gateway.baseUrl).port);

describe("the gateway process's HTTP limits", () => {
  let gateway: SpawnedGateway;
  before(async () => {
    gateway = await spawnGateway({
      DATA_DIR: join(dataDir, "a"),
      HTTP_HEADERS_TIMEOUT_MS: "300",
      HTTP_REQUEST_TIMEOUT_MS: "600",
      HTTP_KEEP_ALIVE_TIMEOUT_MS: "2000",
      HTTP_BODY_LIMIT_BYTES: "2048",
      RATE_LIMIT_PER_MINUTE: "2",
      TRUST_PROXY: "loopback",
    });
  });
  after(async () => {
    gateway?.child.kill("SIGTERM");
    await gateway?.exited;
  });

  it(
    "answers 408 and closes a connection whose headers do not arrive in HTTP_HEADERS_TIMEOUT_MS",
    GUARD,
    async () => {
      const response = await untilClosed(portOf(gateway), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      assert.match(response, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    },
  );

  it(
    "answers 408 and closes a connection whose body does not arrive in HTTP_REQUEST_TIMEOUT_MS",
    GUARD,
    async () => {
      const token = await gateway.token("+34600000001", ["webrtc-registration:sessions:create"]);
      const response = await untilClosed(
        portOf(gateway),
        `POST /webrtc-registration/v0.3/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nX-Forwarded-For: 192.0.2.201\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      );
      assert.match(response, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    },
  );

  it("announces HTTP_KEEP_ALIVE_TIMEOUT_MS in Keep-Alive", async () => {
    const res = await fetch(`${gateway.baseUrl}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("keep-alive"), "timeout=2");
  });

  it("refuses a body over HTTP_BODY_LIMIT_BYTES with 400 INVALID_ARGUMENT", async () => {
    const token = await gateway.token("+34600000001", ["webrtc-registration:sessions:create"]);
    const res = await fetch(`${gateway.baseUrl}/webrtc-registration/v0.3/sessions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "x-forwarded-for": "192.0.2.200",
      },
      body: JSON.stringify({ deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2", junk: "x".repeat(3000) }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), {
      status: 400,
      code: "INVALID_ARGUMENT",
      message: "The request body is larger than 2048 bytes.",
    });
  });

  it("with TRUST_PROXY, counts the rate limit per client named by the proxy in X-Forwarded-For", async () => {
    const list = (client: string) =>
      fetch(`${gateway.baseUrl}/webrtc-events/v0.2/subscriptions`, {
        headers: { "x-forwarded-for": client },
      });
    assert.equal((await list("198.51.100.1")).status, 401);
    assert.equal((await list("198.51.100.1")).status, 401);
    const refused = await list("198.51.100.1");
    assert.equal(refused.status, 429);
    assert.deepEqual(await refused.json(), {
      status: 429,
      code: "TOO_MANY_REQUESTS",
      message: "Rate limit reached; retry after the time given in Retry-After.",
    });
    const retryAfter = Number(refused.headers.get("retry-after"));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal((await list("198.51.100.2")).status, 401, "another client has its own budget");
  });
});

describe("the gateway process's connection limit", () => {
  let gateway: SpawnedGateway;
  before(async () => {
    gateway = await spawnGateway({ DATA_DIR: join(dataDir, "b"), HTTP_MAX_CONNECTIONS: "2" });
  });
  after(async () => {
    gateway?.child.kill("SIGTERM");
    await gateway?.exited;
  });

  it("closes a connection beyond HTTP_MAX_CONNECTIONS without answering it", GUARD, async () => {
    const first = await keptOpen(portOf(gateway), "/healthz");
    const second = await keptOpen(portOf(gateway), "/healthz");
    try {
      assert.match(first.head, /^HTTP\/1\.1 200 OK/);
      assert.match(second.head, /^HTTP\/1\.1 200 OK/);
      const third = await untilClosed(portOf(gateway), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      assert.equal(third, "", "the third connection got no answer");
    } finally {
      first.socket.destroy();
      second.socket.destroy();
    }
  });
});
