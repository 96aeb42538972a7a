import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createSchemaValidator } from "camara-webrtc-runtime";
import {
  type ReceivedNotification,
  type SinkReceiver,
  startSinkReceiver,
} from "../../../conformance/sink/index.ts";
import { loadContract, releaseContract } from "../../load-contract.ts";
import { type EventsTestGateway, startEventsTestGateway, testDevCa } from "./events-test-gateway.ts";

/**
 * What the dispatcher's in-process tests share: one events test gateway and one loopback sink per
 * test file (`before(startKit)`, `after(stopKit)`; `gw` and `sink` are live bindings), a fresh sink
 * path per test, and request and assertion helpers.
 */
export const SESSION_INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";
export const SESSION_STATUS = "org.camaraproject.webrtc-events.v0.session-status";
export const REGISTRATION_ENDS = "org.camaraproject.webrtc-events.v0.registration-ends";
export const ENDED = "org.camaraproject.webrtc-events.v0.subscription-ended";
const schemas = createSchemaValidator(releaseContract(loadContract(), "r2.2").specs);
export const WAIT = 5000;

export let gw: EventsTestGateway;
export let sink: SinkReceiver;
let n = 0;
/** A fresh sink path per test, so that each test reads only its own notifications. */
export const freshSink = () => sink.url(`/sink-${++n}`);
export const at = (url: string) => (r: ReceivedNotification) => r.path === new URL(url).pathname;

export function body(
  sinkUrl: string,
  type: string,
  detail: Record<string, string>,
  config: object = {},
  extra: object = {},
) {
  return {
    protocol: "HTTP",
    sink: sinkUrl,
    types: [type],
    config: { subscriptionDetail: detail, ...config },
    ...extra,
  };
}

export async function created(res: Response): Promise<{ id: string; status: string }> {
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as { id: string; status: string };
}

export async function incomingCall(registrationId: string, mediaSessionId = randomUUID()) {
  await gw.engine.listener.incomingCall({
    mediaSessionId,
    registrationId,
    originatorAddress: "tel:+34600000009",
    originatorName: undefined,
    receiverAddress: "tel:+34600000001",
    offerSdp: "v=0\r\n",
  });
  return mediaSessionId;
}

export async function originate(registrationId: string): Promise<string> {
  const res = await fetch(`${gw.baseUrl}/webrtc-call-handling/v0.3/sessions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await gw.token()}`,
      "content-type": "application/json",
      registrationId,
    },
    body: JSON.stringify({ receiverAddress: "tel:+34600000009" }),
  });
  return ((await created(res as Response)) as unknown as { mediaSessionId: string }).mediaSessionId;
}

/** Notifications that reached `url`, accepted ones only, in order. */
export function received(url: string) {
  return sink.requests().filter((r) => at(url)(r) && r.status < 300);
}

export function assertConforms(r: ReceivedNotification) {
  assert.deepEqual(r.problems, [], `sink validation of ${JSON.stringify(r.event)}`);
  assert.equal(schemas.validate("webrtc-events", "#/components/schemas/CloudEvent", r.event), null);
}

export async function getSubscription(id: string) {
  return gw.request("GET", `/webrtc-events/v0.2/subscriptions/${id}`);
}

export async function startKit(): Promise<void> {
  const ca = testDevCa();
  sink = await startSinkReceiver({ tls: { cert: ca.serverCertPem, key: ca.serverKeyPem } });
  gw = await startEventsTestGateway({ allowlist: [`127.0.0.1:${sink.port}`] });
}

export async function stopKit(): Promise<void> {
  await gw.close();
  await sink.close();
}
