import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CallEngine, SessionUpdateRequest } from "../engine/engine.ts";
import { createSqliteStore } from "../store/index.ts";
import { createCallService } from "./call-service.ts";
import type { DomainEvent } from "./event-publisher.ts";
import { createRegistrationService } from "./registration-service.ts";
import type { RequestContext } from "./request-context.ts";

const phone = "+34600000001";
const ctx: RequestContext = {
  principal: { subject: phone, clientId: "c", phoneNumber: phone, scopes: new Set(), expiresAtMs: undefined },
  correlator: "corr-1",
};

/** A call engine whose update() waits until the test releases it (unit test fake). */
function gatedEngine() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const engine: CallEngine = {
    originate: async () => undefined,
    update: async (_request: SessionUpdateRequest) => gate,
    terminate: async () => undefined,
  };
  return { engine, release };
}

async function setup(engine: CallEngine) {
  const store = createSqliteStore({ file: ":memory:" });
  const events: DomainEvent[] = [];
  let n = 0;
  const deps = {
    store,
    events: { publish: async (e: DomainEvent) => void events.push(e) },
    clock: { now: () => new Date() },
    newId: () => `id-${++n}`,
  };
  const registrations = createRegistrationService({
    ...deps,
    engine: {
      register: async () => undefined,
      refresh: async () => undefined,
      unregister: async () => undefined,
    },
    ttl: { defaultSec: 3600, minSec: 60, maxSec: 86400 },
  });
  const calls = createCallService({ ...deps, engine, registrations });
  const registration = await registrations.create(ctx, { deviceId: "7d444840-9dc0-11d1-b245-5ffdce74fad2" });
  return { calls, events, store, registrationId: registration.registrationId };
}

describe("call service", () => {
  it("serialises a network event arriving while a client update waits for the engine", async () => {
    const gated = gatedEngine();
    const { calls, events, registrationId } = await setup(gated.engine);
    const session = await calls.create(ctx, registrationId, {
      receiverAddress: "tel:+34600000002",
      offer: { sdp: "v=0" },
    });
    const id = session.mediaSessionId ?? "";
    await calls.sessionChanged(
      { mediaSessionId: id, status: "Connected", reason: "200 OK", answerSdp: "v=0 a" },
      "n1",
    );
    const put = calls.updateStatus(ctx, id, { status: "Hold" });
    await new Promise((r) => setTimeout(r, 10));
    const network = calls.sessionChanged(
      { mediaSessionId: id, status: "Connected", reason: "re-INVITE", offerSdp: "v=0 b" },
      "n2",
    );
    gated.release();
    await Promise.all([put, network]);
    const sequence = events
      .filter((e) => e.type.endsWith("session-status"))
      .map((e) => (e.data as { sequenceNumber?: number }).sequenceNumber);
    assert.deepEqual(sequence, [1, 2, 3]);
    const final = await calls.get(ctx, id);
    assert.equal(final.sequenceNumber, 3);
    assert.equal(final.offer?.sdp, "v=0 b", "the network's offer is not lost");
  });

  it("returns the existing session for a repeated clientCorrelator instead of placing a second call", async () => {
    let originated = 0;
    const { calls, registrationId } = await setup({
      originate: async () => {
        originated += 1;
      },
      update: async () => undefined,
      terminate: async () => undefined,
    });
    const body = { receiverAddress: "tel:+34600000002", clientCorrelator: "cc-1" };
    const first = await calls.create(ctx, registrationId, body);
    const second = await calls.create(ctx, registrationId, body);
    assert.equal(second.mediaSessionId, first.mediaSessionId);
    assert.equal(originated, 1);
  });
});
