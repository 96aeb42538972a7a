/**
 * Browser entry of the demo softphone served at /demo: binds the page's controls to
 * {@link Softphone} and shows registration, call status and media statistics. `window.softphone`
 * is exposed so the e2e tests drive the very same application a person uses.
 */

import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import { browser, type HtmlElement, type InputElement, type MediaElement } from "./browser-dom.ts";
import { Softphone } from "./softphone.ts";

const b = browser();
const el = <T extends HtmlElement = HtmlElement>(id: string): T => {
  const found = b.document.getElementById(id);
  if (!found) throw new Error(`#${id} missing from the page`);
  return found as T;
};

// `?bundle=max-bundle` makes every call's PeerConnection bundle all media on one transport.
const phone = new Softphone(
  b.location.origin,
  /[?&]bundle=max-bundle\b/.test(b.location.search) ? "max-bundle" : "balanced",
);
(globalThis as unknown as { softphone: Softphone }).softphone = phone;

const ENDED: ReadonlySet<string> = TERMINAL_STATUSES;

function render() {
  const call = phone.call;
  const shown = call ?? phone.lastCall;
  b.document.body.dataset.state = !phone.registered ? "signed-out" : call ? `call-${call.status}` : "idle";
  el("registration").textContent = phone.registered
    ? `registered as ${phone.phoneNumber} (${phone.registrationId.slice(0, 8)}…)`
    : "not registered";
  el("relay-events").textContent = String(phone.relayEvents);
  el<InputElement>("register").disabled = phone.registered;
  el<InputElement>("unregister").disabled = !phone.registered;
  el<InputElement>("dial").disabled = !phone.registered || call !== undefined;
  const incoming = call?.direction === "incoming" && call.peer === undefined;
  el("incoming").hidden = !incoming;
  el("incoming-from").textContent = incoming ? call.remote : "";
  const status = el("call-status");
  status.textContent = shown ? shown.status : "idle";
  status.dataset.status = shown?.status ?? "idle";
  status.dataset.ended = String(shown !== undefined && ENDED.has(shown.status));
  el("call-remote").textContent = shown
    ? `${shown.remote} (${shown.direction}${shown.video ? ", video" : ""})`
    : "–";
  el("call-id").textContent = shown?.mediaSessionId ?? "–";
  const confirmed = call?.peer !== undefined && ["Connected", "Resume", "Hold"].includes(call.status);
  el<InputElement>("hold").disabled = !confirmed || call?.status === "Hold";
  el<InputElement>("resume").disabled = !confirmed || call?.status !== "Hold";
  el<InputElement>("restart-ice").disabled = !confirmed;
  el<InputElement>("send-dtmf").disabled = !confirmed;
  const heard = shown?.peer?.heardTones ?? [];
  el("dtmf-heard").textContent = heard.length
    ? heard.map((t) => `${t.digit} (${t.durationMs} ms)`).join(" ")
    : "–";
  el<InputElement>("hangup").disabled = call === undefined;
  el("log").textContent = phone.log.join("\n");
  const video = el<MediaElement>("remote-video");
  const remote = call?.peer?.remoteStream;
  if (remote && video.srcObject !== remote) {
    video.srcObject = remote;
    video.muted = true;
    void video.play().catch(() => undefined);
  }
}

async function refreshStats() {
  const stats = await phone.stats().catch(() => undefined);
  if (!stats) return;
  el("stats-connection").textContent = stats.connectionState;
  el("stats-audio-in").textContent = String(stats.audio.packetsReceived);
  el("stats-audio-out").textContent = String(stats.audio.packetsSent);
  el("stats-video-in").textContent = String(stats.video.packetsReceived);
  el("stats-video-out").textContent = String(stats.video.packetsSent);
  el("stats-codec").textContent =
    [stats.audio.inboundCodec, stats.video.inboundCodec].filter(Boolean).join(", ") || "–";
}

/** Runs a user action, showing its failure instead of throwing into the console. */
const action = (fn: () => Promise<void>) => () => {
  el("error").textContent = "";
  fn().catch((error: unknown) => {
    el("error").textContent = error instanceof Error ? error.message : String(error);
  });
};

el("register").addEventListener(
  "click",
  action(() => phone.signIn(el<InputElement>("phone").value.trim())),
);
el("unregister").addEventListener(
  "click",
  action(() => phone.signOut()),
);
el("dial").addEventListener(
  "click",
  action(() =>
    phone.dial(el<InputElement>("dial-number").value.trim(), el<InputElement>("dial-video").checked),
  ),
);
el("answer").addEventListener(
  "click",
  action(() => phone.answer()),
);
el("decline").addEventListener(
  "click",
  action(() => phone.hangUp()),
);
el("hangup").addEventListener(
  "click",
  action(() => phone.hangUp()),
);
el("hold").addEventListener(
  "click",
  action(() => phone.hold(true)),
);
el("resume").addEventListener(
  "click",
  action(() => phone.hold(false)),
);

el("restart-ice").addEventListener(
  "click",
  action(() => phone.restartIce()),
);
el("send-dtmf").addEventListener(
  "click",
  action(async () => phone.sendDtmf(el<InputElement>("dtmf-digits").value.trim())),
);

phone.onChange = render;
render();
setInterval(() => {
  render();
  void refreshStats();
}, 500);
