import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { createServer as createTcpServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { EngineError } from "../engine/engine-error.ts";
import {
  connectionRefused,
  createInternalClient,
  createInternalServer,
  type ForwardedOperation,
  signInternalRequest,
} from "./internal-channel.ts";

const SECRET = "s".repeat(40);
const received: Array<[ForwardedOperation, unknown]> = [];
let url = "";
const server = createInternalServer({
  secret: SECRET,
  async handle(operation, request) {
    received.push([operation, request]);
    if ((request as { fail?: boolean }).fail)
      throw new EngineError("unknown_session", "no such call here", { clientMessage: "gone" });
  },
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(path: string, body: string, headers: Record<string, string>) {
  const response = await fetch(`${url}${path}`, { method: "POST", body, headers });
  return { status: response.status, body: await response.text() };
}

describe("cluster internal channel", () => {
  it("carries a signed request to the node's handler", async () => {
    const client = createInternalClient({ nodeId: "a", secret: SECRET, timeoutMs: 2000 });
    received.length = 0;
    await client.forward(url, "terminate", { mediaSessionId: "m1", correlator: "c" });
    assert.deepEqual(received, [["terminate", { mediaSessionId: "m1", correlator: "c" }]]);
  });

  it("gives the caller the owner's engine failure, with its client message", async () => {
    const client = createInternalClient({ nodeId: "a", secret: SECRET, timeoutMs: 2000 });
    await assert.rejects(client.forward(url, "update", { fail: true }), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.failure, "unknown_session");
      assert.equal(error.clientMessage, "gone");
      return true;
    });
  });

  it("refuses a request signed with another secret, a stale one and an unsigned one (401), running nothing", async () => {
    received.length = 0;
    const body = JSON.stringify({ mediaSessionId: "m1" });
    const now = String(Date.now());
    const stale = String(Date.now() - 60_000);
    const attempts: Record<string, string>[] = [
      {
        "x-cluster-time": now,
        "x-cluster-signature": signInternalRequest("x".repeat(40), now, "terminate", body),
      },
      {
        "x-cluster-time": stale,
        "x-cluster-signature": signInternalRequest(SECRET, stale, "terminate", body),
      },
      { "x-cluster-time": now, "x-cluster-signature": signInternalRequest(SECRET, now, "update", body) },
      {},
    ];
    for (const headers of attempts)
      assert.equal((await post("/cluster/v1/engine/terminate", body, headers)).status, 401);
    assert.deepEqual(received, []);
  });

  it("answers 404 for an operation it does not carry out and 400 for a body that is not JSON", async () => {
    const now = String(Date.now());
    assert.equal((await post("/cluster/v1/engine/originate", "{}", {})).status, 404);
    const bad = "{not json";
    const headers = {
      "x-cluster-time": now,
      "x-cluster-signature": signInternalRequest(SECRET, now, "update", bad),
    };
    assert.equal((await post("/cluster/v1/engine/update", bad, headers)).status, 400);
  });

  it("reports an unreachable node as network_unreachable", async () => {
    const client = createInternalClient({ nodeId: "a", secret: SECRET, timeoutMs: 500 });
    await assert.rejects(client.forward("http://127.0.0.1:1", "terminate", {}), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.failure, "network_unreachable");
      return true;
    });
  });

  it("tells a refused connection (nothing listens: the process is gone) from a timeout (a slow node may be alive)", async () => {
    const client = createInternalClient({ nodeId: "a", secret: SECRET, timeoutMs: 300 });
    // A port that was just free: nothing listens there.
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    // A listener that accepts and never answers.
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const refusedError = await client
        .forward(`http://127.0.0.1:${closedPort}`, "terminate", {})
        .catch((e: unknown) => e);
      assert.ok(refusedError instanceof EngineError && refusedError.failure === "network_unreachable");
      assert.equal(connectionRefused(refusedError), true);
      const slowError = await client.forward(silentUrl, "terminate", {}).catch((e: unknown) => e);
      assert.ok(slowError instanceof EngineError && slowError.failure === "network_unreachable");
      assert.equal(connectionRefused(slowError), false);
      assert.equal(await client.ping(`http://127.0.0.1:${closedPort}`), "refused");
      assert.equal(await client.ping(silentUrl), "unsure");
      assert.equal(await client.ping(url), "answers");
    } finally {
      silent.close();
      await client.close().catch(() => undefined);
    }
  });

  it("answers a ping only when it is signed", async () => {
    const now = String(Date.now());
    assert.equal((await post("/cluster/v1/ping", "{}", {})).status, 401);
    const headers = {
      "x-cluster-time": now,
      "x-cluster-signature": signInternalRequest(SECRET, now, "ping", "{}"),
    };
    assert.equal((await post("/cluster/v1/ping", "{}", headers)).status, 204);
    const wrongOperation = {
      "x-cluster-time": now,
      "x-cluster-signature": signInternalRequest(SECRET, now, "update", "{}"),
    };
    assert.equal((await post("/cluster/v1/ping", "{}", wrongOperation)).status, 401);
  });
});
