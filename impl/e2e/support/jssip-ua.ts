/**
 * Browser entry of the JsSIP interop page: a SIP user agent no one here wrote (JsSIP, npm), bundled
 * by esbuild and driven from the tests through `globalThis.jssip` ({@link JssipPage}). It registers
 * over wss:// with the SIP edge and places, answers, holds and ends one call at a time.
 */
import JsSIP from "jssip";
import type { EndEvent, RTCSession } from "jssip/lib/RTCSession.js";
import type { RtcStats } from "../../demo/browser-dom.ts";

/** What the page shows the test. */
export interface JssipState {
  readonly registered: boolean;
  readonly registrationError: string;
  /** none → progress (ringing) → confirmed → ended | failed. */
  readonly call: "none" | "incoming" | "progress" | "confirmed" | "ended" | "failed";
  /** Who ended or failed the call ("local", "remote", "system"), and JsSIP's cause. */
  readonly endedBy: string;
  readonly endCause: string;
  readonly localHold: boolean;
  readonly remoteHold: boolean;
  /** The caller's URI of the last incoming call. */
  readonly incomingFrom: string;
}

/** Audio packet counters from the call's RTCPeerConnection.getStats(). */
export interface JssipStats {
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly inboundCodec: string;
}

export interface JssipPage {
  /** `debug`: JsSIP's own log on the console (JSSIP_DEBUG=1 in the tests prints it on failure). */
  register(o: { wssUrl: string; uri: string; password: string; debug?: boolean }): void;
  call(target: string): void;
  answer(): void;
  hold(): void;
  unhold(): void;
  hangup(): void;
  unregister(): void;
  state(): JssipState;
  stats(): Promise<JssipStats | undefined>;
}

interface StatsReport {
  forEach(callback: (entry: RtcStats) => void): void;
}

let ua: JsSIP.UA | undefined;
let session: RTCSession | undefined;
let state: JssipState = {
  registered: false,
  registrationError: "",
  call: "none",
  endedBy: "",
  endCause: "",
  localHold: false,
  remoteHold: false,
  incomingFrom: "",
};
const set = (patch: Partial<JssipState>) => {
  state = { ...state, ...patch };
};

const AUDIO_ONLY = { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } };

function follow(s: RTCSession): void {
  session = s;
  set({ endedBy: "", endCause: "", localHold: false, remoteHold: false });
  s.on("progress", () => {
    if (state.call === "none") set({ call: "progress" });
  });
  s.on("confirmed", () => set({ call: "confirmed" }));
  s.on("ended", (e: EndEvent) => set({ call: "ended", endedBy: e.originator, endCause: String(e.cause) }));
  s.on("failed", (e: EndEvent) => set({ call: "failed", endedBy: e.originator, endCause: String(e.cause) }));
  const holds = () => set({ localHold: s.isOnHold().local, remoteHold: s.isOnHold().remote });
  s.on("hold", holds);
  s.on("unhold", holds);
}

const current = (): RTCSession => {
  if (!session) throw new Error("no call");
  return session;
};

const page: JssipPage = {
  register({ wssUrl, uri, password, debug }) {
    if (debug) JsSIP.debug.enable("JsSIP:*");
    const socket = new JsSIP.WebSocketInterface(wssUrl);
    ua = new JsSIP.UA({ sockets: [socket], uri, password, register: true, session_timers: false });
    ua.on("registered", () => set({ registered: true, registrationError: "" }));
    ua.on("unregistered", () => set({ registered: false }));
    ua.on("registrationFailed", (e) => set({ registered: false, registrationError: String(e.cause) }));
    ua.on("newRTCSession", (e: { session: RTCSession; originator: string }) => {
      if (e.originator !== "remote") return;
      follow(e.session);
      set({ call: "incoming", incomingFrom: e.session.remote_identity.uri.toString() });
    });
    ua.start();
  },
  call(target) {
    if (!ua) throw new Error("not registered");
    set({ call: "none" });
    follow(ua.call(target, AUDIO_ONLY));
  },
  answer: () => current().answer(AUDIO_ONLY),
  hold: () => void current().hold(),
  unhold: () => void current().unhold(),
  hangup: () => current().terminate(),
  unregister: () => ua?.unregister(),
  state: () => state,
  async stats() {
    const pc = session?.connection as unknown as { getStats(): Promise<StatsReport> } | undefined;
    if (!pc) return undefined;
    const report = await pc.getStats();
    const codecs = new Map<string, string>();
    let packetsReceived = 0;
    let packetsSent = 0;
    let codecId = "";
    report.forEach((entry) => {
      const e = entry as RtcStats & { id?: string };
      if (e.type === "codec" && e.id && e.mimeType) codecs.set(e.id, e.mimeType);
      if (e.type === "inbound-rtp" && e.kind === "audio") {
        packetsReceived += e.packetsReceived ?? 0;
        codecId = e.codecId ?? codecId;
      }
      if (e.type === "outbound-rtp" && e.kind === "audio") packetsSent += e.packetsSent ?? 0;
    });
    return { packetsReceived, packetsSent, inboundCodec: codecs.get(codecId) ?? "" };
  },
};

(globalThis as unknown as { jssip: JssipPage }).jssip = page;
