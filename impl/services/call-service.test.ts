import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, type RequestContext } from "camara-webrtc-runtime";
import type { CallEngine, SessionUpdateRequest } from "../engine/engine.ts";
import { EngineError } from "../engine/engine-error.ts";
import { createSqliteStore } from "../store/index.ts";
import { createCallService } from "./call-service.ts";
import type { DomainEvent } from "./event-publisher.ts";
import { createRegistrationService } from "./registration-service.ts";

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

  describe("a caller's CANCEL racing the receiver's PUT Connected", () => {
    const bob = "+34600000002";
    const bobCtx: RequestContext = {
      ...ctx,
      principal: { ...ctx.principal, subject: bob, phoneNumber: bob },
    };
    const answer = { status: "Connected" as const, answer: { sdp: "v=0 answer" } };

    /** An incoming call for the registration, as the engine announces it; returns its id. */
    async function incoming(calls: Awaited<ReturnType<typeof setup>>["calls"], registrationId: string) {
      await calls.incomingCall(
        {
          mediaSessionId: "incoming-1",
          registrationId,
          originatorAddress: `tel:${bob}`,
          originatorName: undefined,
          receiverAddress: `tel:${phone}`,
          offerSdp: "v=0 offer",
        },
        "net-1",
      );
      return "incoming-1";
    }
    const cancelled = (calls: Awaited<ReturnType<typeof setup>>["calls"], id: string) =>
      calls.sessionChanged({ mediaSessionId: id, status: "SessionCancelled", reason: "CANCEL" }, "net-2");
    const conflict = (status: string) => ({
      status: 409,
      code: "CONFLICT",
      message: `The session has ended (${status}); it cannot change any more.`,
    });
    const refusal = async (put: Promise<unknown>) => {
      const error = await put.then(
        () => assert.fail("PUT must be refused"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ApiError, String(error));
      return error.toErrorInfo();
    };

    it("answers 409 CONFLICT when the leg was gone by the time the engine looked (the CANCEL stored first)", async () => {
      let ctxCalls: Awaited<ReturnType<typeof setup>>["calls"] | undefined;
      const { calls, registrationId } = await setup({
        originate: async () => undefined,
        update: async (request) => {
          await cancelled(ctxCalls as NonNullable<typeof ctxCalls>, request.mediaSessionId);
          throw new EngineError("unknown_session", "no call leg");
        },
        terminate: async () => undefined,
      });
      ctxCalls = calls;
      const id = await incoming(calls, registrationId);
      assert.deepEqual(await refusal(calls.updateStatus(ctx, id, answer)), conflict("SessionCancelled"));
      assert.equal((await calls.get(ctx, id)).status, "SessionCancelled");
    });

    it("answers 409 CONFLICT, not 404, when the leg is gone and its SessionCancelled is still on its way", async () => {
      const { calls, registrationId } = await setup({
        originate: async () => undefined,
        update: async () => {
          throw new EngineError("unknown_session", "no call leg");
        },
        terminate: async () => undefined,
      });
      const id = await incoming(calls, registrationId);
      assert.deepEqual(await refusal(calls.updateStatus(ctx, id, answer)), {
        status: 409,
        code: "CONFLICT",
        message: "The session has ended in the network; it cannot change any more.",
      });
    });

    it("keeps SessionCancelled and answers 409 CONFLICT when the CANCEL is applied while the engine sends the 200", async () => {
      const gated = gatedEngine();
      const { calls, events, registrationId } = await setup(gated.engine);
      const id = await incoming(calls, registrationId);
      const put = calls.updateStatus(ctx, id, answer);
      await new Promise((r) => setTimeout(r, 10));
      await cancelled(calls, id);
      gated.release();
      assert.deepEqual(await refusal(put), conflict("SessionCancelled"));
      assert.equal((await calls.get(ctx, id)).status, "SessionCancelled");
      const statuses = events
        .filter((e) => e.type.endsWith("session-status"))
        .map((e) => (e.data as { status?: string }).status);
      assert.deepEqual(statuses, ["SessionCancelled"]);
    });

    it("still answers 404 NOT_FOUND for a session of another subscriber", async () => {
      const { calls, registrationId } = await setup(gatedEngine().engine);
      const id = await incoming(calls, registrationId);
      assert.deepEqual(await refusal(calls.updateStatus(bobCtx, id, answer)), {
        status: 404,
        code: "NOT_FOUND",
        message: ApiError.notFound("The media session").message,
      });
    });
  });
});
