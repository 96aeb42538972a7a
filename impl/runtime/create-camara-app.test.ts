import assert from "node:assert/strict";
import type { Server } from "node:http";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import * as r2_2 from "../../generated/r2.2/index.ts";
import type { WebrtcRegistrationHandlers } from "../../generated/r2.2/webrtc-registration/handlers.ts";
import { loadContract } from "./contract.ts";
import { createCamaraApp } from "./create-camara-app.ts";
import { createDevAuth } from "./dev-auth.ts";
import { listen } from "./listen.ts";
import { notImplemented } from "./not-implemented.ts";
import type { RequestContext } from "./request-context.ts";

const registrationOnly = {
  apis: r2_2.apis.filter((a) => a.name === "webrtc-registration"),
  effectiveSpecFiles: { "webrtc-registration": r2_2.effectiveSpecFiles["webrtc-registration"] },
};
const contract = loadContract(new URL("../../generated/", import.meta.url), registrationOnly);
const logger = pino({ level: "silent" });

function handlers(): WebrtcRegistrationHandlers<RequestContext> {
  return {
    async createRegistration(_input, ctx) {
      return { status: 200, body: { registrationId: `reg-of-${ctx.principal.phoneNumber}` } };
    },
    async deleteRegistrationById(_input, _ctx) {
      throw notImplemented("deleteRegistrationById");
    },
    async updateRegistrationById(_input, _ctx) {
      throw notImplemented("updateRegistrationById");
    },
  };
}

describe("createCamaraApp", () => {
  let server: Server;
  let url: string;
  let token: string;

  before(async () => {
    const app = createCamaraApp({ contract, handlers: handlers(), auth: await createDevAuth(), logger });
    ({ server, url } = await listen(app, { port: 0 }));
    const answer = await fetch(`${url}/dev-issuer/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from("dev-client:dev-secret").toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials&phone_number=%2B34600000001&scope=webrtc-registration%3Asessions%3Acreate+webrtc-registration%3Asessions%3Adelete",
    });
    assert.equal(answer.status, 200);
    token = ((await answer.json()) as { access_token: string }).access_token;
  });
  after(() => server?.close());

  it("calls the injected handler with the token's principal", async () => {
    const res = await fetch(`${url}/webrtc-registration/v0.3/sessions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "x-correlator": "c-1",
      },
      body: JSON.stringify({ deviceId: "4ed1f2a4-1b2c-4d5e-8f90-a1b2c3d4e5f6" }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-correlator"), "c-1");
    assert.deepEqual(await res.json(), { registrationId: "reg-of-+34600000001" });
  });

  it("answers an operation not written yet with 501 NOT_IMPLEMENTED in CAMARA shape", async () => {
    const res = await fetch(`${url}/webrtc-registration/v0.3/sessions/abc`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 501);
    assert.deepEqual(await res.json(), {
      status: 501,
      code: "NOT_IMPLEMENTED",
      message: "deleteRegistrationById is not implemented by this gateway yet.",
    });
  });

  it("answers a request without a token 401 UNAUTHENTICATED before any handler", async () => {
    const res = await fetch(`${url}/webrtc-registration/v0.3/sessions/abc`, { method: "DELETE" });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { code: string }).code, "UNAUTHENTICATED");
  });

  it("refuses to start without a handler for every operation of the contract", async () => {
    const { createRegistration: _left, ...partial } = handlers();
    assert.throws(
      () =>
        createCamaraApp({
          contract,
          handlers: partial as unknown as WebrtcRegistrationHandlers<RequestContext>,
          auth: { verify: async () => Promise.reject(new Error("unused")) },
          logger,
        }),
      { message: "No handler for createRegistration of r2.2" },
    );
  });
});
