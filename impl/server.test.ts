import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
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
