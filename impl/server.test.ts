import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createSqliteStore } from "./store/index.ts";
import { spawnGateway } from "./testing/spawn-gateway.ts";
import { ALL_SCOPES } from "./testing/test-gateway.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gateway-restart-"));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const phone = "+34600000001";

describe("the gateway process", () => {
  it("keeps a registration and a subscription across a restart", async () => {
    const first = await spawnGateway({ DATA_DIR: dataDir });
    const token = await first.token(phone, ALL_SCOPES);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const registration = (await (
      await fetch(`${first.baseUrl}/webrtc-registration/v0.3/sessions`, {
        method: "POST",
        headers,
        body: JSON.stringify({ deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" }),
      })
    ).json()) as { registrationId: string };
    const created = await fetch(`${first.baseUrl}/webrtc-events/v0.2/subscriptions`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        protocol: "HTTP",
        sink: "https://notificationServer.opentelco.com/sink",
        types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
        config: { subscriptionDetail: { registrationId: registration.registrationId } },
      }),
    });
    assert.equal(created.status, 201);
    const subscription = (await created.json()) as { id: string };
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0, "SIGTERM stops the gateway cleanly");

    const second = await spawnGateway({ DATA_DIR: dataDir });
    try {
      // The dev issuer's key is kept in DATA_DIR, so the token from before the restart still verifies.
      const refreshed = await fetch(
        `${second.baseUrl}/webrtc-registration/v0.3/sessions/${registration.registrationId}`,
        {
          method: "PUT",
          headers,
          body: "{}",
        },
      );
      assert.equal(refreshed.status, 200);
      assert.equal(
        ((await refreshed.json()) as { registrationId: string }).registrationId,
        registration.registrationId,
      );
      const read = await fetch(`${second.baseUrl}/webrtc-events/v0.2/subscriptions/${subscription.id}`, {
        headers,
      });
      assert.equal(read.status, 200);
      assert.equal(((await read.json()) as { id: string }).id, subscription.id);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
  });

  it("ends the sessions a killed offline gateway left unfinished: an outgoing call still Initial ends NotReachable, a connected one Terminated", async () => {
    const dir = join(dataDir, "unfinished");
    const store = createSqliteStore({ file: join(dir, "gateway.db") });
    const at = new Date().toISOString();
    const session = (id: string, direction: "originating" | "terminating", status: "Initial" | "Connected") =>
      store.sessions.put({
        mediaSessionId: id,
        owner: phone,
        registrationId: "reg-gone",
        direction,
        info: { mediaSessionId: id, status, receiverAddress: "tel:+34600000002" },
        createdAt: at,
        updatedAt: at,
      });
    await session("a6a3c1c0-0000-4000-8000-000000000001", "originating", "Initial");
    await session("a6a3c1c0-0000-4000-8000-000000000002", "terminating", "Connected");
    await store.close();

    const gateway = await spawnGateway({ DATA_DIR: dir, ENGINE: "offline" });
    try {
      const token = await gateway.token(phone, ALL_SCOPES);
      const statusOf = async (id: string) => {
        const res = await fetch(`${gateway.baseUrl}/webrtc-call-handling/v0.3/sessions/${id}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await res.json()) as { status?: string; reason?: string };
        return [res.status, body.status, body.reason];
      };
      assert.deepEqual(await statusOf("a6a3c1c0-0000-4000-8000-000000000001"), [
        200,
        "NotReachable",
        "No SIP network is configured (ENGINE=offline)",
      ]);
      assert.deepEqual(await statusOf("a6a3c1c0-0000-4000-8000-000000000002"), [
        200,
        "Terminated",
        "The gateway restarted and lost the call; no BYE could be sent",
      ]);
    } finally {
      gateway.child.kill("SIGTERM");
      await gateway.exited;
    }
  });

  it("refuses to start on a bad configuration value, naming the variable", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./server.ts", import.meta.url))],
      {
        env: { ...process.env, PORT: "not-a-port", DATA_DIR: dataDir },
        encoding: "utf8",
      },
    );
    assert.equal(result.status, 2);
    assert.match(result.stderr, /PORT=not-a-port must be an integer from 0 to 65535\./);
  });

  it("never makes a development CA: without its files the relay's certificate is a configuration error", () => {
    const emptyCaDir = join(dataDir, "no-dev-ca");
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./server.ts", import.meta.url))],
      {
        env: { ...process.env, PORT: "0", NODE_ENV: "test", DATA_DIR: dataDir, DEV_CA_DIR: emptyCaDir },
        encoding: "utf8",
      },
    );
    assert.equal(result.status, 2);
    assert.match(
      result.stderr,
      /RELAY_TLS_CERT_FILE: .*no-dev-ca\/server\.pem does not exist .*npm run dev-ca/,
    );
    assert.match(result.stderr, /RELAY_TLS_KEY_FILE: /);
    assert.equal(existsSync(emptyCaDir), false, "the gateway created no CA folder");
  });
});
