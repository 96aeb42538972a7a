import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type SpawnedGateway, spawnGateway } from "../testing/spawn-gateway.ts";
import { ALICE, ALL_SCOPES } from "../testing/test-gateway.ts";

/**
 * Outbox retention in the real process: an event that can no longer be delivered does not stay in
 * the outbox, and /metrics shows the outbox by status.
 */

const dataDir = mkdtempSync(join(tmpdir(), "outbox-retention-"));
const STATUSES = ["pending", "held", "failed", "expired", "dropped"];

/** The samples of /metrics whose name and labels start with `prefix`, by that remainder. */
async function samples(baseUrl: string, prefix: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const found = new Map<string, number>();
  for (const line of text.split("\n"))
    if (line.startsWith(prefix)) {
      const [name = "", value = ""] = line.split(" ");
      found.set(name, Number(value));
    }
  return found;
}

describe("outbox retention in the gateway process", () => {
  let gateway: SpawnedGateway;
  before(async () => {
    gateway = await spawnGateway({
      DATA_DIR: dataDir,
      EVENT_MAX_AGE_MS: "1000",
      EVENT_OUTBOX_RETENTION_MS: "0",
      EVENT_OUTBOX_PRUNE_INTERVAL_MS: "200",
    });
  });
  after(async () => {
    gateway?.child.kill("SIGTERM");
    await gateway?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("exports the outbox rows by status on /metrics, zeros included", async () => {
    const outbox = await samples(gateway.baseUrl, "camara_events_outbox{");
    assert.deepEqual(
      [...outbox.entries()].sort(),
      STATUSES.map((s) => [`camara_events_outbox{status="${s}"}`, 0]).sort(),
    );
  });

  it("removes a held event past the maximum age once the retention passed", { timeout: 30_000 }, async () => {
    const token = await gateway.token(ALICE, ALL_SCOPES);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const registration = (await (
      await fetch(`${gateway.baseUrl}/webrtc-registration/v0.3/sessions`, {
        method: "POST",
        headers,
        body: JSON.stringify({ deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" }),
      })
    ).json()) as { registrationId: string };
    // Outside production a sink that is not allow-listed is accepted and its events are held.
    const subscribed = await fetch(`${gateway.baseUrl}/webrtc-events/v0.2/subscriptions`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        protocol: "HTTP",
        sink: "https://notificationServer.opentelco.com/sink",
        types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
        config: { subscriptionDetail: { registrationId: registration.registrationId } },
      }),
    });
    assert.equal(subscribed.status, 201);
    // Deleting the registration ends the subscription: subscription-ended, held for that sink.
    const deleted = await fetch(
      `${gateway.baseUrl}/webrtc-registration/v0.3/sessions/${registration.registrationId}`,
      { method: "DELETE", headers },
    );
    assert.equal(deleted.status, 204);
    const published = await samples(gateway.baseUrl, "camara_events_published_total{");
    assert.equal(
      published.get(
        'camara_events_published_total{type="org.camaraproject.webrtc-events.v0.subscription-ended",status="held"}',
      ),
      1,
      "the subscription-ended event was written held",
    );
    for (;;) {
      const outbox = await samples(gateway.baseUrl, "camara_events_outbox{");
      if (STATUSES.every((s) => outbox.get(`camara_events_outbox{status="${s}"}`) === 0)) break;
      await sleep(100);
    }
    assert.ok(
      gateway.logs.some((line) => line.includes('"msg":"outbox retention applied"')),
      "the retention logged what it did",
    );
  });
});
