import { browser, type Direction, type MediaStream, type PeerConnection } from "./browser-dom.ts";
import type { HeardTone } from "./dtmf-detector.ts";
import { listenForTones } from "./tone-listener.ts";

/** Packet counters from RTCPeerConnection.getStats(), summed per media kind. */
export interface PeerStats {
  readonly audio: KindStats;
  readonly video: KindStats;
  readonly connectionState: string;
}
export interface KindStats {
  readonly packetsReceived: number;
  readonly packetsSent: number;
  /** Codec of the inbound stream, e.g. "audio/opus", or "" before media arrives. */
  readonly inboundCodec: string;
}

export interface PeerOptions {
  readonly video: boolean;
  /**
   * Restricts the audio codecs this browser offers, by name (e.g. `["opus"]`), through
   * RTCRtpTransceiver.setCodecPreferences; default all the browser supports.
   */
  readonly audioCodecs?: readonly string[];
  /**
   * RTCConfiguration.bundlePolicy (W3C webrtc-pc §4.2.1, RFC 9429 §4.1.1): "balanced" (default)
   * gives each media type its own transport unless the answer bundles; "max-bundle" gathers for one
   * transport only and marks the other m-lines bundle-only, so the answer must bundle.
   */
  readonly bundlePolicy?: "balanced" | "max-bundle";
  /** How long to wait for ICE candidate gathering, in milliseconds; default 5000. */
  readonly gatheringTimeoutMs?: number;
}

/**
 * One browser call leg. The CAMARA APIs carry complete SDP bodies (no trickle), so every local
 * description is returned only after ICE gathering has completed.
 */
export class WebrtcPeer {
  readonly pc: PeerConnection;
  remoteStream: MediaStream | undefined;
  /** DTMF digits heard in the received audio, in order (see tone-listener.ts). */
  readonly heardTones: HeardTone[] = [];
  private local: MediaStream | undefined;
  private stopListening: (() => void) | undefined;

  constructor(private readonly options: PeerOptions) {
    const b = browser();
    this.pc = new b.RTCPeerConnection({ bundlePolicy: options.bundlePolicy ?? "balanced" });
    this.pc.addEventListener("track", (event) => {
      this.remoteStream = event.streams?.[0] ?? this.remoteStream ?? new b.MediaStream([]);
      if (event.track?.kind === "audio" && !this.stopListening)
        this.stopListening = listenForTones(new b.MediaStream([event.track]), (t) => this.heardTones.push(t));
    });
  }

  /** The local camera/microphone stream (fake devices in tests), once {@link attachMedia} ran. */
  get localStream(): MediaStream | undefined {
    return this.local;
  }

  /** Captures audio (and video) and sends it on this connection. */
  async attachMedia(): Promise<void> {
    if (this.local) return;
    const b = browser();
    this.local = await b.navigator.mediaDevices.getUserMedia({ audio: true, video: this.options.video });
    for (const track of this.local.getTracks()) this.pc.addTrack(track, this.local);
    const wanted = this.options.audioCodecs?.map((c) => `audio/${c.toLowerCase()}`);
    if (wanted) {
      const all = b.RTCRtpReceiver.getCapabilities("audio")?.codecs ?? [];
      const chosen = all.filter((c) => wanted.includes(c.mimeType.toLowerCase()));
      for (const t of this.pc.getTransceivers())
        if (t.receiver.track.kind === "audio") t.setCodecPreferences(chosen);
    }
  }

  /** Creates an offer (initial or re-offer) and returns its SDP with all candidates. */
  async createOffer(): Promise<string> {
    await this.attachMedia();
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.gathered();
  }

  /**
   * An ICE restart (RFC 8839 §4.4.1.1.1, W3C `restartIce()`), as after a network change: a re-offer
   * with new ICE credentials and freshly gathered candidates.
   */
  async restartIce(): Promise<string> {
    this.pc.restartIce();
    return this.createOffer();
  }

  /**
   * Sends DTMF as RFC 4733 telephone-events on the audio sender (RTCDTMFSender): `tones` from
   * 0-9, A-D, * and #, each `durationMs` long with `gapMs` between them.
   */
  sendDtmf(tones: string, durationMs = 100, gapMs = 70): void {
    const sender = this.pc.getSenders().find((s) => s.track?.kind === "audio");
    if (!sender?.dtmf?.canInsertDTMF)
      throw new Error("DTMF cannot be sent: the call negotiated no telephone-event");
    sender.dtmf.insertDTMF(tones, durationMs, gapMs);
  }

  /** Applies the remote answer to our offer. */
  async acceptAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: "answer", sdp });
  }

  /** Applies a remote offer, captures media and returns our answer's SDP. */
  async acceptOffer(sdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: "offer", sdp });
    await this.attachMedia();
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    return this.gathered();
  }

  /** Sets the direction of every transceiver before a re-offer: "sendonly" holds, "sendrecv" resumes. */
  setDirection(direction: Direction): void {
    for (const t of this.pc.getTransceivers()) t.direction = direction;
  }

  async stats(): Promise<PeerStats> {
    const report = await this.pc.getStats();
    const codecs = new Map<string, string>();
    const inbound: { kind: string; packets: number; codecId: string | undefined }[] = [];
    const sent = { audio: 0, video: 0 };
    report.forEach((s) => {
      if (s.type === "codec" && s.mimeType) codecs.set((s as { id?: string }).id ?? "", s.mimeType);
      if (s.type === "inbound-rtp")
        inbound.push({ kind: s.kind ?? "", packets: s.packetsReceived ?? 0, codecId: s.codecId });
      if (s.type === "outbound-rtp" && (s.kind === "audio" || s.kind === "video"))
        sent[s.kind] += s.packetsSent ?? 0;
    });
    const kind = (k: "audio" | "video"): KindStats => {
      const mine = inbound.filter((i) => i.kind === k);
      return {
        packetsReceived: mine.reduce((n, i) => n + i.packets, 0),
        packetsSent: sent[k],
        inboundCodec: mine.map((i) => codecs.get(i.codecId ?? "") ?? "").find((c) => c !== "") ?? "",
      };
    };
    return { audio: kind("audio"), video: kind("video"), connectionState: this.pc.connectionState };
  }

  close(): void {
    this.stopListening?.();
    for (const track of this.local?.getTracks() ?? []) track.stop();
    this.pc.close();
  }

  private async gathered(): Promise<string> {
    const pc = this.pc;
    // After restartIce() the state may still read "complete" from the last gathering, with a new
    // description that has no candidates yet (c=IN IP4 0.0.0.0): wait for candidates too.
    const done = () =>
      pc.iceGatheringState === "complete" && /\na=candidate:/.test(pc.localDescription?.sdp ?? "");
    if (!done()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.gatheringTimeoutMs ?? 5000);
        pc.addEventListener("icegatheringstatechange", () => {
          if (done()) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new Error("no local description");
    return sdp;
  }
}
