import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { RegistrationRecord, SessionRecord, SubscriptionRecord } from "./records.ts";
import { createSqliteStore } from "./sqlite-store.ts";

const dir = mkdtempSync(join(tmpdir(), "store-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const registration: RegistrationRecord = {
  registrationId: "reg-1",
  owner: "+34600000001",
  deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2",
  expiresAt: "2030-01-01T00:00:00.000Z",
  createdAt: "2029-01-01T00:00:00.000Z",
  updatedAt: "2029-01-01T00:00:00.000Z",
};
const session: SessionRecord = {
  mediaSessionId: "ms-1",
  owner: "+34600000001",
  registrationId: "reg-1",
  direction: "originating",
  info: { status: "Initial", clientCorrelator: "cc-1", originatorAddress: "tel:+34600000001" },
  createdAt: "2029-01-01T00:00:00.000Z",
  updatedAt: "2029-01-01T00:00:00.000Z",
};
const subscription: SubscriptionRecord = {
  id: "sub-1",
  owner: "+34600000001",
  request: {
    protocol: "HTTP",
    sink: "https://127.0.0.1:9443/sink",
    types: ["org.camaraproject.webrtc-events.v0.registration-ends"],
    config: { subscriptionDetail: { registrationId: "reg-1" } },
  },
  status: "ACTIVE",
  startsAt: "2029-01-01T00:00:00.000Z",
  expiresAt: null,
  eventCount: 0,
};

describe("SQLite store", () => {
  it("keeps registrations, sessions and subscriptions across a close and reopen of the file", async () => {
    const file = join(dir, "restart.db");
    const first = createSqliteStore({ file });
    await first.registrations.put(registration);
    await first.sessions.put(session);
    await first.subscriptions.put(subscription);
    await first.close();
    const second = createSqliteStore({ file });
    assert.deepEqual(await second.registrations.get("reg-1"), registration);
    assert.deepEqual(await second.sessions.get("ms-1"), session);
    assert.deepEqual(await second.subscriptions.get("sub-1"), subscription);
    await second.close();
  });

  it("keeps every write acknowledged before the process is killed with kill -9", async () => {
    const file = join(dir, "crash.db");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("testing/acknowledged-writes.ts", import.meta.url)), file],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const acknowledged: string[] = [];
    createInterface({ input: child.stdout }).on("line", (id) => acknowledged.push(id));
    await exited;
    assert.equal(child.signalCode, "SIGKILL", "the writer killed itself in the middle of its writes");
    assert.ok(acknowledged.length >= 500);
    const store = createSqliteStore({ file });
    const missing: string[] = [];
    for (const id of acknowledged) if (!(await store.registrations.get(id))) missing.push(id);
    await store.close();
    assert.deepEqual(missing, []);
  });

  it("finds by device, client correlator, registration and owner, and only for the right owner", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration);
    await store.sessions.put(session);
    await store.subscriptions.put(subscription);
    assert.equal(
      (await store.registrations.findByDevice("+34600000001", registration.deviceId))?.registrationId,
      "reg-1",
    );
    assert.equal(await store.registrations.findByDevice("+34600000002", registration.deviceId), undefined);
    assert.equal(
      (await store.sessions.findByClientCorrelator("+34600000001", "cc-1"))?.mediaSessionId,
      "ms-1",
    );
    assert.equal(await store.sessions.findByClientCorrelator("+34600000002", "cc-1"), undefined);
    assert.deepEqual(
      (await store.sessions.listByRegistration("reg-1")).map((s) => s.mediaSessionId),
      ["ms-1"],
    );
    assert.deepEqual(
      (await store.subscriptions.listByOwner("+34600000001")).map((s) => s.id),
      ["sub-1"],
    );
    assert.deepEqual(await store.subscriptions.listByOwner("+34600000002"), []);
    await store.close();
  });

  it("lists registrations expired by a given time", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration);
    await store.registrations.put({
      ...registration,
      registrationId: "reg-2",
      expiresAt: "2031-01-01T00:00:00.000Z",
    });
    assert.deepEqual(
      (await store.registrations.listExpiredBy("2030-06-01T00:00:00.000Z")).map((r) => r.registrationId),
      ["reg-1"],
    );
    await store.close();
  });

  it("lists registrations still active at a given time, and sessions in none of the given statuses", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration);
    await store.registrations.put({
      ...registration,
      registrationId: "reg-2",
      expiresAt: "2031-01-01T00:00:00.000Z",
    });
    assert.deepEqual(
      (await store.registrations.listActiveAt("2030-06-01T00:00:00.000Z")).map((r) => r.registrationId),
      ["reg-2"],
    );
    const { status: _none, ...noStatus } = session.info;
    for (const [id, info] of [
      ["ms-connected", { ...session.info, status: "Connected" }],
      ["ms-ended", { ...session.info, status: "Terminated" }],
      ["ms-busy", { ...session.info, status: "Busy" }],
      ["ms-no-status", noStatus],
    ] as const)
      await store.sessions.put({ ...session, mediaSessionId: id, info: { ...info, clientCorrelator: id } });
    assert.deepEqual(
      (await store.sessions.listUnfinished(["Terminated", "Busy"])).map((s) => s.mediaSessionId),
      ["ms-connected", "ms-no-status"],
    );
    await store.close();
  });

  it("replaces on put and reports whether delete removed anything", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration);
    await store.registrations.put({ ...registration, expiresAt: "2031-01-01T00:00:00.000Z" });
    assert.equal((await store.registrations.get("reg-1"))?.expiresAt, "2031-01-01T00:00:00.000Z");
    assert.equal(await store.registrations.delete("reg-1"), true);
    assert.equal(await store.registrations.delete("reg-1"), false);
    assert.equal(await store.ping(), true);
    await store.close();
  });

  it("reads by key serve committed state only: while a write is queued, after it commits, after it fails", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration);
    assert.deepEqual(await store.registrations.get("reg-1"), registration);
    const changed = { ...registration, expiresAt: "2031-01-01T00:00:00.000Z" };
    const put = store.registrations.put(changed);
    assert.deepEqual(await store.registrations.get("reg-1"), registration, "not committed yet");
    await put;
    assert.deepEqual(await store.registrations.get("reg-1"), changed);
    const deleted = store.registrations.delete("reg-1");
    assert.deepEqual(await store.registrations.get("reg-1"), changed, "not committed yet");
    assert.equal(await deleted, true);
    assert.equal(await store.registrations.get("reg-1"), undefined);

    await store.registrations.put(registration);
    await store.registrations.get("reg-1");
    store.database.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON registrations BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    await assert.rejects(store.registrations.put(changed), /refused/);
    assert.deepEqual(await store.registrations.get("reg-1"), registration, "the failed write left no trace");
    await store.close();
  });

  it("a record changed by the caller that read it does not change what the next read returns", async () => {
    const store = createSqliteStore({ file: ":memory:" });
    await store.registrations.put(registration);
    const read = await store.registrations.get("reg-1");
    assert.ok(read);
    (read as { expiresAt: string }).expiresAt = "1999-01-01T00:00:00.000Z";
    assert.deepEqual(await store.registrations.get("reg-1"), registration);
    await store.close();
  });
});
