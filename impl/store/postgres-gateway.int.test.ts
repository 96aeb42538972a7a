/**
 * The gateway process (impl/server.ts) on the PostgreSQL store: resources created, read and deleted
 * through HTTP land in PostgreSQL; with the server stopped mid-run, requests answer 503 UNAVAILABLE
 * and /readyz 503, the process stays up, and once the server is back everything works again.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { type PostgresLab, startPostgres } from "../../scripts/lab/postgres.ts";
import { type SpawnedGateway, spawnGateway } from "../testing/spawn-gateway.ts";
import { ALL_SCOPES } from "../testing/test-gateway.ts";

const PHONE = "+34600000001";
const REGISTRATIONS = "/webrtc-registration/v0.3/sessions";
const SUBSCRIPTIONS = "/webrtc-events/v0.2/subscriptions";
const SESSIONS = "/webrtc-call-handling/v0.3/sessions";
const UNAVAILABLE = {
  status: 503,
  code: "UNAVAILABLE",
  message: "The service is temporarily unavailable; retry later.",
};

let lab: PostgresLab;
let url: string;
let gateway: SpawnedGateway;
let headers: Record<string, string>;
const dataDir = mkdtempSync(join(tmpdir(), "pg-gateway-"));

before(async () => {
  lab = await startPostgres();
  url = await lab.createDatabase("gateway");
  gateway = await spawnGateway(
    {
      STORE: "postgres",
      DATABASE_URL: url,
      DATABASE_TIMEOUT_MS: "1000",
      DATA_DIR: dataDir,
      RATE_LIMIT_PER_MINUTE: "0",
    },
    // The tier's files run side by side on a shared machine: start-up can take a while.
    60_000,
  );
  headers = {
    authorization: `Bearer ${await gateway.token(PHONE, ALL_SCOPES)}`,
    "content-type": "application/json",
  };
});
after(async () => {
  if (gateway?.child.exitCode === null) {
    gateway.child.kill("SIGTERM");
    await gateway.exited;
  }
  await lab?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
  fetch(`${gateway.baseUrl}${path}`, {
    method,
    headers: { ...headers, ...extra },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function rows(table: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY seq`)).rows.map((r) => r.id);
  } finally {
    await client.end();
  }
}

async function createRegistration(): Promise<string> {
  const created = await call("POST", REGISTRATIONS, { deviceId: crypto.randomUUID() });
  assert.equal(created.status, 200, await created.clone().text());
  return ((await created.json()) as { registrationId: string }).registrationId;
}

function subscriptionBody(registrationId: string) {
  return {
    protocol: "HTTP",
    sink: "https://notificationServer.opentelco.com/sink",
    types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
    config: { subscriptionDetail: { registrationId } },
  };
}

/** Polls /readyz until it answers `status` (10 s at most). */
async function readyz(status: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = 0;
  while (Date.now() < deadline) {
    last = (await fetch(`${gateway.baseUrl}/readyz`)).status;
    if (last === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`/readyz answered ${last}, not ${status}`);
}

describe("the gateway on PostgreSQL (STORE=postgres)", () => {
  it("creates, reads and deletes a registration, a session and a subscription, stored in PostgreSQL", async () => {
    await readyz(200);
    const registrationId = await createRegistration();
    assert.deepEqual(await rows("registrations"), [registrationId]);

    const subscribed = await call("POST", SUBSCRIPTIONS, subscriptionBody(registrationId));
    assert.equal(subscribed.status, 201, await subscribed.clone().text());
    const { id } = (await subscribed.json()) as { id: string };
    assert.deepEqual(await rows("subscriptions"), [id]);
    const read = await call("GET", `${SUBSCRIPTIONS}/${id}`);
    assert.equal(read.status, 200);
    assert.equal(((await read.json()) as { id: string }).id, id);
    const listed = (await (await call("GET", SUBSCRIPTIONS)).json()) as { id: string }[];
    assert.deepEqual(
      listed.map((s) => s.id),
      [id],
    );

    const started = await call("POST", SESSIONS, { receiverAddress: "tel:+34600000009" }, { registrationId });
    assert.equal(started.status, 201, await started.clone().text());
    const { mediaSessionId } = (await started.json()) as { mediaSessionId: string };
    assert.equal((await call("GET", `${SESSIONS}/${mediaSessionId}`)).status, 200);
    assert.deepEqual(await rows("sessions"), [mediaSessionId]);
    assert.equal((await call("DELETE", `${SESSIONS}/${mediaSessionId}`)).status, 204);

    assert.equal((await call("DELETE", `${SUBSCRIPTIONS}/${id}`)).status, 204);
    assert.equal((await call("GET", `${SUBSCRIPTIONS}/${id}`)).status, 404);
    assert.equal((await call("DELETE", `${REGISTRATIONS}/${registrationId}`)).status, 204);
    assert.deepEqual(await rows("registrations"), []);
  });

  it("answers 503 UNAVAILABLE and /readyz 503 while PostgreSQL is down, then recovers", async () => {
    const registrationId = await createRegistration();
    await lab.stop();
    const refused = await call("POST", REGISTRATIONS, { deviceId: crypto.randomUUID() });
    assert.equal(refused.status, 503);
    assert.deepEqual(await refused.json(), UNAVAILABLE);
    const read = await call("POST", SUBSCRIPTIONS, subscriptionBody(registrationId));
    assert.equal(read.status, 503);
    assert.deepEqual(await read.json(), UNAVAILABLE);
    const list = await call("GET", SUBSCRIPTIONS);
    assert.deepEqual(await list.json(), UNAVAILABLE);
    await readyz(503);
    assert.equal(gateway.child.exitCode, null, "the gateway is still running");

    await lab.start();
    await readyz(200);
    const subscribed = await call("POST", SUBSCRIPTIONS, subscriptionBody(registrationId));
    assert.equal(subscribed.status, 201, await subscribed.clone().text());
    assert.equal((await call("DELETE", `${REGISTRATIONS}/${registrationId}`)).status, 204);
    assert.ok(!gateway.logs.join("").includes(url), "the database URL (its password) is never logged");
  });

  it("refuses to start when PostgreSQL cannot be reached, with a message that hides the password", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("../server.ts", import.meta.url))],
      {
        env: {
          ...process.env,
          PORT: "0",
          DATA_DIR: dataDir,
          STORE: "postgres",
          DATABASE_URL: "postgres://camara:hunter2@127.0.0.1:1/camara",
          DATABASE_TIMEOUT_MS: "500",
          RELAY_ENABLED: "false",
        },
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /The PostgreSQL store cannot be reached at postgres:\/\/camara:\*\*\*@127\.0\.0\.1:1\/camara/,
    );
    assert.ok(!result.stderr.includes("hunter2"));
  });
});
