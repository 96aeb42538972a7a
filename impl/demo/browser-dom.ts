/**
 * The few browser APIs the demo softphone and the e2e device use, typed here because the project's
 * tsconfig targets Node (no DOM lib, which would also retype Node's timers for every other file).
 * Browser-only modules reach them through {@link browser}; esbuild bundles them for the page.
 */
export type SdpType = "offer" | "answer";
export type Direction = "sendrecv" | "sendonly" | "recvonly" | "inactive";

export interface SessionDescriptionInit {
  type: SdpType;
  sdp: string;
}

export interface MediaStreamTrack {
  readonly kind: "audio" | "video";
  enabled: boolean;
  stop(): void;
}

export interface MediaStream {
  getTracks(): MediaStreamTrack[];
}

export interface RtpCodecCapability {
  mimeType: string;
  clockRate: number;
  channels?: number;
  sdpFmtpLine?: string;
}

export interface RtpTransceiver {
  readonly mid: string | null;
  direction: Direction;
  readonly currentDirection: Direction | "stopped" | null;
  readonly receiver: { readonly track: MediaStreamTrack };
  setCodecPreferences(codecs: RtpCodecCapability[]): void;
}

/** One entry of RTCPeerConnection.getStats() (W3C webrtc-stats), reduced to what we read. */
export interface RtcStats {
  readonly type: string;
  readonly kind?: string;
  readonly packetsReceived?: number;
  readonly packetsSent?: number;
  readonly bytesReceived?: number;
  readonly codecId?: string;
  readonly mimeType?: string;
}

/** RTCDTMFSender (W3C webrtc-pc §7): RFC 4733 telephone-events on an audio sender. */
export interface DtmfSender {
  readonly canInsertDTMF: boolean;
  readonly toneBuffer: string;
  /** `duration` and `interToneGap` in milliseconds (defaults 100 and 70). */
  insertDTMF(tones: string, duration?: number, interToneGap?: number): void;
}

export interface RtpSender {
  readonly track: MediaStreamTrack | null;
  readonly dtmf: DtmfSender | null;
}

/** The Web Audio nodes the tone listener uses (W3C Web Audio API). */
export interface AudioNode {
  connect(destination: AudioNode): void;
  disconnect(): void;
}
export interface ScriptProcessorNode extends AudioNode {
  onaudioprocess:
    | ((event: { inputBuffer: { getChannelData(channel: number): Float32Array } }) => void)
    | null;
}
export interface AudioContext {
  readonly sampleRate: number;
  readonly currentTime: number;
  readonly destination: AudioNode;
  createMediaStreamSource(stream: MediaStream): AudioNode;
  createScriptProcessor(bufferSize: number, inputs: number, outputs: number): ScriptProcessorNode;
  createGain(): AudioNode & { gain: { value: number } };
  resume(): Promise<void>;
  close(): Promise<void>;
}

export interface PeerConnection {
  readonly localDescription: SessionDescriptionInit | null;
  readonly remoteDescription: SessionDescriptionInit | null;
  readonly iceGatheringState: "new" | "gathering" | "complete";
  readonly connectionState: string;
  readonly signalingState: string;
  addTrack(track: MediaStreamTrack, stream: MediaStream): unknown;
  addTransceiver(kind: "audio" | "video", init?: { direction?: Direction }): RtpTransceiver;
  getTransceivers(): RtpTransceiver[];
  getSenders(): RtpSender[];
  /** W3C webrtc-pc §4.4.1.6: the next offer carries new ICE credentials. */
  restartIce(): void;
  createOffer(): Promise<SessionDescriptionInit>;
  createAnswer(): Promise<SessionDescriptionInit>;
  setLocalDescription(description?: SessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: SessionDescriptionInit): Promise<void>;
  getStats(): Promise<{ forEach(cb: (stats: RtcStats) => void): void }>;
  addEventListener(
    type: string,
    listener: (event: { track?: MediaStreamTrack; streams?: MediaStream[] }) => void,
  ): void;
  close(): void;
}

export interface HtmlElement {
  textContent: string | null;
  hidden: boolean;
  className: string;
  dataset: Record<string, string | undefined>;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
  append(...nodes: (HtmlElement | string)[]): void;
  replaceChildren(...nodes: (HtmlElement | string)[]): void;
}

export interface InputElement extends HtmlElement {
  value: string;
  disabled: boolean;
  checked: boolean;
}

export interface MediaElement extends HtmlElement {
  srcObject: MediaStream | null;
  muted: boolean;
  play(): Promise<void>;
}

export interface BrowserWebSocket {
  readonly readyState: number;
  addEventListener(
    type: "open" | "close" | "error" | "message",
    listener: (event: { data?: unknown }) => void,
  ): void;
  send(data: string): void;
  close(): void;
}

export interface Browser {
  readonly RTCPeerConnection: new (config?: { bundlePolicy?: string }) => PeerConnection;
  readonly RTCRtpReceiver: {
    getCapabilities(kind: "audio" | "video"): { codecs: RtpCodecCapability[] } | null;
  };
  readonly MediaStream: new (tracks?: MediaStreamTrack[]) => MediaStream;
  readonly AudioContext: new () => AudioContext;
  readonly WebSocket: new (url: string) => BrowserWebSocket;
  readonly navigator: {
    mediaDevices: { getUserMedia(constraints: { audio: boolean; video: boolean }): Promise<MediaStream> };
  };
  readonly document: {
    readonly body: HtmlElement;
    getElementById(id: string): HtmlElement | null;
    createElement(tag: string): HtmlElement;
  };
  readonly location: { origin: string; protocol: string; host: string; search: string };
}

/** The browser's globals; call only from code that runs in a page. */
export function browser(): Browser {
  return globalThis as unknown as Browser;
}
