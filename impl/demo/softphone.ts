import { TERMINAL_STATUSES } from "../contract/terminal-statuses.ts";
import { ApiCallError, CamaraClient, EVENT_TYPES, type MediaSession } from "./camara-client.ts";
import { type CloudEvent, openRelayChannel, type RelaySink } from "./relay-channel.ts";
import { type PeerStats, WebrtcPeer } from "./webrtc-peer.ts";

const ENDED: ReadonlySet<string> = TERMINAL_STATUSES;

/** How long a hung-up call waits for the gateway's event naming its final status, ms. */
const HANG_UP_EVENT_WAIT_MS = 3000;

export interface ActiveCall {
  readonly mediaSessionId: string;
  readonly direction: "outgoing" | "incoming";
  /** The other party's address, e.g. tel:+34600000002. */
  readonly remote: string;
  readonly video: boolean;
  status: string;
  /** Set while the device waits for the answer to an offer it sent (create, hold, resume). */
  awaitingAnswer: boolean;
  /**
   * The answer the session carried when the device sent its current offer: a session
   * representation (PUT response, GET, event) keeps showing it until the network answers anew, so
   * it must not be taken as the answer to the new offer.
   */
  staleAnswer?: string;
  lastAnswer?: string;
  peer: WebrtcPeer | undefined;
  offerSdp?: string;
}

/**
 * The demo softphone's logic, using only the CAMARA APIs and the notification relay: sign in with a
 * development token, register, receive session invitations and status events, call, answer,
 * hold, resume and hang up. The page (softphone-page.ts) renders it; the e2e tests drive it.
 */
export class Softphone {
  readonly client: CamaraClient;
  phoneNumber = "";
  registrationId = "";
  call: ActiveCall | undefined;
  /** The last call, kept after it ended so its final status stays visible. */
  lastCall: ActiveCall | undefined;
  /** Events that arrived through the relay (not by polling). */
  relayEvents = 0;
  readonly log: string[] = [];
  onChange: () => void = () => undefined;
  private relay: (RelaySink & { close(): void }) | undefined;
  private poller: ReturnType<typeof setInterval> | undefined;

  /**
   * @param bundlePolicy the RTCPeerConnection bundle policy of every call (WebrtcPeer); the demo
   *   page takes it from `?bundle=max-bundle`; default "balanced".
   */
  constructor(
    readonly origin: string,
    readonly bundlePolicy: "balanced" | "max-bundle" = "balanced",
  ) {
    this.client = new CamaraClient(origin);
  }

  get registered(): boolean {
    return this.registrationId !== "";
  }

  /** Token for `phoneNumber`, registration, relay channel and the session-invitation subscription. */
  async signIn(phoneNumber: string): Promise<void> {
    this.phoneNumber = phoneNumber;
    await this.client.obtainDevToken(phoneNumber);
    this.registrationId = await this.client.register(crypto.randomUUID());
    this.note(`registered ${phoneNumber} (registrationId ${this.registrationId})`);
    this.relay = await openRelayChannel(
      this.origin,
      this.client.accessToken,
      (event) => {
        this.relayEvents += 1;
        void this.onEvent(event);
      },
      (why) => this.note(why),
    );
    await this.client.subscribe(EVENT_TYPES.sessionInvitation, this.relay.sink, this.relay.sinkCredential, {
      registrationId: this.registrationId,
    });
    this.note("subscribed to incoming calls through the notification relay");
  }

  async signOut(): Promise<void> {
    if (this.call) await this.hangUp();
    if (this.registrationId) await this.client.unregister(this.registrationId);
    this.registrationId = "";
    this.relay?.close();
    this.note("unregistered");
  }

  /** An outgoing call to `number` (E.164) with audio, or audio and video. */
  async dial(number: string, video: boolean): Promise<void> {
    if (this.call) throw new Error("a call is already in progress");
    const peer = new WebrtcPeer({ video, bundlePolicy: this.bundlePolicy });
    const offer = await peer.createOffer();
    const remote = `tel:${number}`;
    const session = await this.client.createSession(this.registrationId, {
      originatorAddress: `tel:${this.phoneNumber}`,
      receiverAddress: remote,
      offer: { sdp: offer },
    });
    const call: ActiveCall = {
      mediaSessionId: session.mediaSessionId,
      direction: "outgoing",
      remote,
      video,
      status: session.status ?? "Initial",
      awaitingAnswer: true,
      peer,
    };
    this.setCall(call);
    this.note(`calling ${number} (mediaSessionId ${call.mediaSessionId})`);
    await this.follow(call);
  }

  /** Answers the incoming call: our SDP answer with status Connected (200 OK). */
  async answer(): Promise<void> {
    const call = this.call;
    if (call?.direction !== "incoming") throw new Error("no incoming call");
    const offer = call.offerSdp ?? (await this.client.getSession(call.mediaSessionId)).offer?.sdp;
    if (!offer) throw new Error("the invitation carries no offer");
    const peer = new WebrtcPeer({ video: /\bm=video [1-9]/.test(offer), bundlePolicy: this.bundlePolicy });
    call.peer = peer;
    const answer = await peer.acceptOffer(offer).catch(async (error: unknown) => {
      // The browser cannot take the gateway's offer (e.g. a max-bundle page and an unbundled offer
      // from rtpengine): decline (603) rather than leave the caller ringing.
      await this.hangUp();
      throw new Error(
        `declined: the browser cannot accept the offer (${error instanceof Error ? error.message : String(error)})`,
      );
    });
    await this.client.updateStatus(call.mediaSessionId, { status: "Connected", answer: { sdp: answer } });
    this.update(call, "Connected");
  }

  /**
   * Declines an incoming call or ends any call (DELETE: CANCEL, 603 or BYE in the network). The call
   * ends with the status the gateway gives it in its last session-status event (SessionCancelled
   * for a call still ringing, Declined for an unanswered incoming one, else Terminated); if that
   * event does not come within {@link HANG_UP_EVENT_WAIT_MS}, the call ends Terminated.
   */
  async hangUp(): Promise<void> {
    const call = this.call;
    if (!call) return;
    await this.client.deleteSession(call.mediaSessionId).catch((error: unknown) => {
      if (!(error instanceof ApiCallError && error.status === 404)) throw error;
    });
    if (this.call !== call) return; // the event has already ended it
    call.peer?.close();
    setTimeout(() => this.end(call, "Terminated"), HANG_UP_EVENT_WAIT_MS);
  }

  /** Hold (sendonly re-offer) or resume (sendrecv re-offer) through PUT .../status. */
  async hold(onHold: boolean): Promise<void> {
    const call = this.call;
    if (!call?.peer) throw new Error("no connected call");
    call.peer.setDirection(onHold ? "sendonly" : "sendrecv");
    const offer = await call.peer.createOffer();
    call.awaitingAnswer = true;
    if (call.lastAnswer !== undefined) call.staleAnswer = call.lastAnswer;
    const status = onHold ? "Hold" : "Resume";
    const session = await this.client.updateStatus(call.mediaSessionId, { status, offer: { sdp: offer } });
    await this.apply(call, session);
  }

  /**
   * ICE restart in a connected call (after a network change): a re-offer with new ICE credentials
   * through PUT .../status with the current status; the media anchor answers it without involving
   * the far end.
   */
  async restartIce(): Promise<void> {
    const call = this.call;
    if (!call?.peer) throw new Error("no connected call");
    const offer = await call.peer.restartIce();
    call.awaitingAnswer = true;
    if (call.lastAnswer !== undefined) call.staleAnswer = call.lastAnswer;
    const status = call.status === "Hold" ? "Hold" : "Connected";
    const session = await this.client.updateStatus(call.mediaSessionId, { status, offer: { sdp: offer } });
    this.note("ICE restarted");
    await this.apply(call, session);
  }

  /** Sends DTMF digits (RFC 4733 telephone-events) in the connected call. */
  sendDtmf(tones: string, durationMs = 100, gapMs = 70): void {
    const call = this.call;
    if (!call?.peer) throw new Error("no connected call");
    call.peer.sendDtmf(tones, durationMs, gapMs);
    this.note(`DTMF sent: ${tones}`);
  }

  async stats(): Promise<PeerStats | undefined> {
    return this.call?.peer?.stats() ?? this.lastCall?.peer?.stats();
  }

  private async follow(call: ActiveCall): Promise<void> {
    if (!this.relay) throw new Error("not signed in");
    await this.client.subscribe(EVENT_TYPES.sessionStatus, this.relay.sink, this.relay.sinkCredential, {
      registrationId: this.registrationId,
      sessionId: call.mediaSessionId,
    });
    // Events may have been sent before the subscription existed: catch up once, then keep a slow
    // poll as a safety net (the relay remains the primary path; relayEvents counts it).
    await this.apply(call, await this.client.getSession(call.mediaSessionId));
    this.poller = setInterval(() => {
      if (this.call !== call) return;
      void this.client.getSession(call.mediaSessionId).then(
        (s) => this.apply(call, s),
        () => undefined,
      );
    }, 2000);
  }

  private async onEvent(event: CloudEvent): Promise<void> {
    const data = event.data as unknown as MediaSession;
    if (event.type === EVENT_TYPES.sessionInvitation) {
      if (this.call) return; // busy: the network's timers end the invitation
      const call: ActiveCall = {
        mediaSessionId: data.mediaSessionId,
        direction: "incoming",
        remote: data.originatorAddress ?? "unknown",
        video: /\bm=video [1-9]/.test(data.offer?.sdp ?? ""),
        status: data.status ?? "Initial",
        awaitingAnswer: false,
        peer: undefined,
        ...(data.offer?.sdp ? { offerSdp: data.offer.sdp } : {}),
      };
      this.setCall(call);
      this.note(`incoming call from ${call.remote}`);
      await this.follow(call);
    } else if (
      event.type === EVENT_TYPES.sessionStatus &&
      this.call?.mediaSessionId === data.mediaSessionId
    ) {
      await this.apply(this.call, data);
    } else if (event.type === EVENT_TYPES.registrationEnds) {
      this.registrationId = "";
      this.note("the network ended the registration");
      this.onChange();
    }
  }

  /** Applies a session representation (event data or GET): status, and our awaited answer. */
  private async apply(call: ActiveCall, session: MediaSession): Promise<void> {
    if (this.call !== call) return;
    const answer = session.answer?.sdp;
    const fresh = answer !== undefined && answer !== call.staleAnswer;
    if (call.awaitingAnswer && fresh && call.peer && call.peer.pc.signalingState === "have-local-offer") {
      call.awaitingAnswer = false;
      await call.peer.acceptAnswer(answer);
    }
    if (answer !== undefined) call.lastAnswer = answer;
    if (session.status && ENDED.has(session.status)) this.end(call, session.status);
    else if (session.status) this.update(call, session.status);
  }

  private setCall(call: ActiveCall) {
    this.call = call;
    this.lastCall = call;
    this.onChange();
  }

  private update(call: ActiveCall, status: string) {
    if (call.status === status) return;
    call.status = status;
    this.note(`${call.mediaSessionId.slice(0, 8)}: ${status}`);
  }

  private end(call: ActiveCall, status: string) {
    if (this.call !== call) return;
    if (this.poller) clearInterval(this.poller);
    call.status = status;
    call.peer?.close();
    this.call = undefined;
    this.note(`call ended: ${status}`);
  }

  private note(line: string) {
    this.log.push(`${new Date().toISOString().slice(11, 19)} ${line}`);
    if (this.log.length > 50) this.log.shift();
    this.onChange();
  }
}
