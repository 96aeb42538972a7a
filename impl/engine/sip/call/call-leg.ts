import { randomUUID } from "node:crypto";
import type { EngineLogger, SessionEvent, SessionStatus } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { holdDirection, sdpDirection, withDirection } from "../../sdp-direction.ts";
import { sendSessionRefresh } from "../session-timer/send-session-refresh.ts";
import { SessionRefresher } from "../session-timer/session-refresher.ts";
import type { IncomingRequestMessage, Session, UserAgentCore } from "../sip-core.ts";
import { answerRemoteOffer, respondWith } from "./answer-remote-offer.ts";
import { changeMedia } from "./change-media.ts";
import type { DialogContext, DialogLeg, LogLevel } from "./dialog-leg.ts";
import { reasonOf, sdpOf, updateServer } from "./dialog-requests.ts";
import type { LegState, PendingInvite, UnansweredInvite } from "./dialog-state.ts";
import { engineErrorOf, reasonFor, type SipRefusal, sipRefusalFor } from "./leg-failure.ts";
import { LegSdp } from "./leg-sdp.ts";
import { OfferAnswer } from "./offer-answer.ts";
import { restartDeviceIce, restartsDeviceIceOnly } from "./restart-device-ice.ts";
import { sessionDialogState } from "./session-dialog-state.ts";

export interface CallLegContext extends DialogContext {
  readonly core: UserAgentCore;
  /** Session-Expires we ask for, seconds (RFC 4028). */
  readonly sessionExpiresSec: number;
  /** Multiplies every session-timer delay; 1 in production (see {@link SessionRefresher}). */
  readonly sessionTimerScale: number;
  /** An outgoing INVITE without a final response after this long is cancelled (NoAnswer), ms. */
  readonly inviteTimeoutMs: number;
  /** A status change of the leg whose correlator is `correlator` (the engine sets SessionEvent.correlator). */
  emit(event: SessionEvent, correlator: string): void;
  /** The leg's dialog is known (early or confirmed): UPDATEs can be routed to it. */
  bindDialog(dialogId: string, leg: CallLeg): void;
  ended(leg: CallLeg): void;
  /** The leg's state changed (status, dialog, SDP, timer): persisted for restart recovery (dialog-state.ts). */
  dialogChanged?(leg: CallLeg): void;
  /** The engine's logger; each leg logs through a child of it. */
  readonly logger: EngineLogger;
}

/**
 * What both call directions share once a dialog exists: offer/answer state (offer-answer.ts), SDP
 * (leg-sdp.ts), hold and resume, session timers (RFC 4028), remote UPDATE/re-INVITE/BYE, teardown
 * with a Reason (RFC 3326). Its state changes only here, by the named steps below; subclasses add the
 * INVITE transaction of their direction, collaborators see it through {@link DialogLeg}. Work started
 * from a sip.js callback or a timer runs through {@link guarded} or {@link settle}: a failure ends the
 * call through {@link fail}, never the process.
 */
export abstract class CallLeg implements DialogLeg {
  #session: Session | undefined;
  #confirmed = false;
  #terminated = false;
  #status: SessionStatus = "Initial";
  /** RFC 3264 §4: one offer/answer exchange at a time, also while the anchor takes an answer. */
  readonly offerAnswer = new OfferAnswer();
  readonly sdp = new LegSdp();
  readonly #peerAllows = new Set<string>();
  readonly timer: SessionRefresher;
  /** Who sent the INVITE: the device (`originating`) or the network. */
  abstract readonly direction: LegState["direction"];
  /** A BYE sip.js refused before the ACK of our 2xx (RFC 3261 §15): sent when the ACK arrives. */
  private byeAfterAck: string | undefined;

  /** Bound to `{correlator, mediaSessionId, callId}`: every line of this leg carries them. */
  readonly logger: EngineLogger;

  constructor(
    readonly mediaSessionId: string,
    readonly registrationId: string,
    readonly callId: string,
    protected readonly contact: string,
    readonly ctx: CallLegContext,
    /** The x-correlator of the request that created the session, or one made for an incoming INVITE. */
    readonly correlator: string = randomUUID(),
  ) {
    this.logger = ctx.logger.child({ correlator, mediaSessionId, callId });
    // Timer callbacks: a throw there would be an uncaught exception, so each runs guarded.
    this.timer = new SessionRefresher(
      {
        refresh: () => this.guarded("Sending the session refresh", () => sendSessionRefresh(this)),
        expired: () => this.guarded("Ending the expired session", () => this.sessionExpired()),
      },
      ctx.sessionTimerScale,
    );
  }

  /** How the media anchor names this leg. */
  get ids() {
    return { mediaSessionId: this.mediaSessionId, callId: this.callId, correlator: this.correlator };
  }

  log(level: LogLevel, message: string): void {
    this.logger[level](message);
  }

  contactHeader(): string {
    return `Contact: <${this.contact}>`;
  }

  get session(): Session | undefined {
    return this.#session;
  }
  /** The dialog is confirmed (RFC 3261 §12): our 2xx sent, or the network's received. */
  get confirmed(): boolean {
    return this.#confirmed;
  }
  get terminated(): boolean {
    return this.#terminated;
  }
  get status(): SessionStatus {
    return this.#status;
  }
  /** Methods the peer listed in its Allow header (RFC 3261 §20.5), to pick UPDATE for refreshes. */
  get peerAllows(): ReadonlySet<string> {
    return this.#peerAllows;
  }

  /** Our offer awaits the network's answer. */
  get offerPending(): boolean {
    return this.offerAnswer.is("local-offer");
  }

  /** A network offer awaits our answer. */
  get answerOwed(): boolean {
    return this.offerAnswer.is("remote-offer");
  }

  assumeStatus(status: SessionStatus): void {
    this.#status = status;
  }

  emit(status: SessionStatus, reason: string, sdp?: { offerSdp?: string; answerSdp?: string }): void {
    if (this.terminated) return;
    this.#status = status;
    this.changed();
    this.ctx.emit({ mediaSessionId: this.mediaSessionId, status, reason, ...sdp }, this.correlator);
  }

  /** Remembers what the peer allows, from any message it sent. */
  notePeer(message: { getHeaders(name: string): string[] }): void {
    for (const header of message.getHeaders("allow"))
      for (const method of header.split(",")) this.#peerAllows.add(method.trim().toUpperCase());
  }

  protected adoptSession(session: Session): void {
    if (this.session === session) return;
    this.#session = session;
    this.ctx.bindDialog(session.id, this);
    this.changed();
    session.delegate = {
      onBye: (bye) => {
        bye.accept();
        const reason = reasonOf(bye.message);
        this.finish("Terminated", `BYE${reason ? ` (Reason: ${reason})` : ""}`);
      },
      onInvite: (reinvite) => {
        this.notePeer(reinvite.message);
        const respond = respondWith(reinvite, this.contactHeader());
        this.settle(
          "Answering the re-INVITE",
          answerRemoteOffer(this, "re-INVITE", reinvite.message, respond),
        );
      },
      onAck: (ack) => this.onAck(ack.message),
      onPrack: (prack) => this.onPrack(prack),
    };
  }

  /** The dialog is confirmed by the 2xx of the INVITE (or rebuilt after a restart). */
  protected confirm(session: Session): void {
    this.#confirmed = true;
    this.adoptSession(session);
  }

  /** Carries on a call from its persisted state ({@link snapshot}) on its rebuilt dialog. */
  protected recover(state: LegState, session: Session): void {
    this.#status = state.status;
    this.sdp.restore(state.sdp);
    for (const method of state.peerAllows) this.#peerAllows.add(method);
    this.confirm(session);
  }

  /** Records that the leg's state changed, for restart recovery (see {@link snapshot}). */
  protected changed(): void {
    if (!this.terminated) this.ctx.dialogChanged?.(this);
  }

  /** What a new process needs to carry the call on (dialog-state.ts). */
  snapshot(): LegState {
    const interval = this.timer.interval;
    const sdp = this.sdp.sides;
    return {
      version: 1,
      direction: this.direction,
      registrationId: this.registrationId,
      callId: this.callId,
      correlator: this.correlator,
      contact: this.contact,
      status: this.status,
      confirmed: this.confirmed,
      dialog: this.session ? sessionDialogState(this.session) : undefined,
      sdp: { device: sdp.device, local: sdp.local, remote: sdp.remote, networkOrigin: sdp.networkOrigin },
      peerAllows: [...this.peerAllows],
      sessionTimer: interval ? { deltaSec: interval.deltaSec, weRefresh: interval.weRefresh } : undefined,
      pendingInvite: this.confirmed ? undefined : this.pendingInvite?.(),
      unansweredInvite: this.confirmed ? undefined : this.unansweredInvite?.(),
    };
  }

  /** Outgoing, before the 2xx: the INVITE a CANCEL must match. */
  protected pendingInvite?(): PendingInvite | undefined;
  /** Incoming, before the 2xx: the INVITE still owed a final response. */
  protected unansweredInvite?(): UnansweredInvite | undefined;

  /** A PRACK arrived for a reliable provisional response we sent (incoming calls only). */
  protected onPrack(prack: { message: IncomingRequestMessage; accept(o?: object): unknown }): void {
    prack.accept({ statusCode: 200 });
  }

  /** An ACK for our 2xx. RFC 3261 §13.2.1: when the 2xx carried the offer, "the answer MUST be in the ACK". */
  protected onAck(message: IncomingRequestMessage): void {
    const bye = this.byeAfterAck;
    if (bye !== undefined && this.session) {
      this.byeAfterAck = undefined;
      this.guarded("Sending the BYE after the ACK", () =>
        this.session?.bye(undefined, { extraHeaders: [bye] }),
      );
      return;
    }
    if (!this.offerPending || this.terminated) return;
    const answer = sdpOf(message);
    if (!answer) {
      this.offerAnswer.apply({ name: "offer-ended" });
      this.log("warn", `ACK without the answer to our offer in ${this.callId}`);
      return;
    }
    this.settle(
      "Anchoring the answer in the ACK",
      this.acceptAnswer(answer).then((sdp) => this.emit(this.status, "Answer in ACK", { answerSdp: sdp })),
    );
  }

  /** An answer from the network to our offer, through the media anchor: busy until the anchor has it. */
  async acceptAnswer(sdp: string): Promise<string> {
    this.offerAnswer.apply({ name: "answer-received" });
    this.sdp.networkSent(sdp);
    try {
      const remote = await this.ctx.anchor.answer({ ...this.ids, from: "network" }, sdp);
      this.sdp.networkAnchored(sdp, remote);
      return remote;
    } finally {
      this.offerAnswer.apply({ name: "answer-anchored" });
    }
  }

  /** An offer from the network, through the media anchor, for the device to answer. */
  async acceptOffer(sdp: string): Promise<string> {
    this.sdp.networkSent(sdp);
    const remote = await this.ctx.anchor.offer({ ...this.ids, from: "network" }, sdp);
    this.sdp.networkAnchored(sdp, remote);
    return remote;
  }

  /** UPDATE received in this dialog (RFC 3311 §5.2). */
  onUpdate(message: IncomingRequestMessage): void {
    const uas = updateServer(this.ctx.core, message);
    this.notePeer(message);
    const respond = respondWith(uas, this.contactHeader());
    this.settle("Answering the UPDATE", answerRemoteOffer(this, "UPDATE", message, respond));
  }

  /** A device offer: an ICE restart only stays in the anchor (restart-device-ice.ts), else change-media.ts. */
  changeMedia(offerSdp: string, status: SessionStatus): Promise<void> {
    if (restartsDeviceIceOnly(this, offerSdp)) return restartDeviceIce(this, offerSdp, status);
    return changeMedia(this, offerSdp, status);
  }

  /** Hold (sendonly/inactive) and Resume (sendrecv) by re-INVITE from the device's last SDP. */
  async hold(onHold: boolean, offerSdp: string | undefined): Promise<void> {
    const base = offerSdp ?? this.sdp.device;
    if (!base) throw new EngineError("invalid_state", "no SDP has been exchanged yet");
    const direction = onHold ? holdDirection(sdpDirection(base)) : "sendrecv";
    await this.changeMedia(withDirection(base, direction), onHold ? "Hold" : "Resume");
  }

  /** RFC 4028 §10: no refresh came in time; "the UA SHOULD send a BYE to terminate the session". */
  private sessionExpired(): void {
    this.endWithBye(
      'SIP;cause=408;text="Session timer expired"',
      "Session timer expired without a refresh (RFC 4028)",
    );
  }

  /** The network side ended the session for us: BYE with a Reason, and Terminated reported. */
  endWithBye(reason: string, description: string): void {
    if (!this.terminated) this.sendBye(reason);
    this.finish("Terminated", description);
  }

  /** BYE in a confirmed dialog, with a Reason (RFC 3326). */
  bye(reason: string): void {
    if (!this.terminated) this.sendBye(reason);
    // The API client asked for it and the services record the Terminated status themselves.
    this.finish("Terminated", "BYE sent", true);
  }

  /**
   * BYE with a Reason in a confirmed dialog; whether one went out. RFC 3261 §15: "the callee's UA MUST
   * NOT send a BYE on a confirmed dialog until it has received an ACK for its 2xx response".
   */
  protected sendBye(reason: string): boolean {
    const session = this.session;
    if (!session || !this.confirmed) return false;
    try {
      session.bye(undefined, { extraHeaders: [`Reason: ${reason}`] });
      return true;
    } catch (error) {
      this.byeAfterAck = `Reason: ${reason}`;
      this.log("warn", `BYE in ${this.callId} held until the ACK: ${(error as Error).message}`);
      return false;
    }
  }

  /**
   * A collaborator failed (the anchor, sip.js): the dialog ends as its state allows ({@link abandon},
   * with a Reason, RFC 3326), the client hears Failed, the anchor's call is released. Never throws.
   */
  fail(what: string, error: unknown): void {
    if (this.terminated) return;
    const failure = engineErrorOf(error, what);
    this.log("error", `${what} failed in ${this.callId}: ${failure.message}`);
    const refusal = sipRefusalFor(failure.failure);
    let sent = "nothing sent";
    try {
      sent = this.abandon(reasonFor(refusal, `${what} failed`), refusal);
    } catch (teardown) {
      this.log("warn", `ending ${this.callId} after the failure: ${(teardown as Error).message}`);
    }
    this.finish("Failed", `${what} failed (${failure.failure}); ${sent}`);
  }

  /**
   * Ends the dialog after a failure and says what was sent. Confirmed: BYE (RFC 3261 §15). The
   * subclasses end an early dialog by their direction: CANCEL, or a final response to the INVITE.
   */
  protected abandon(reason: string, _refusal: SipRefusal): string {
    return this.sendBye(reason) ? "BYE sent" : "nothing sent";
  }

  /** Runs a step that must not throw out of a sip.js callback or a timer: a throw fails the call. */
  guarded(what: string, step: () => unknown): void {
    try {
      step();
    } catch (error) {
      this.fail(what, error);
    }
  }

  /** Follows work started from a sip.js callback or a timer: a rejection fails the call, never the process. */
  settle(what: string, work: Promise<unknown>): void {
    work.catch((error: unknown) => this.fail(what, error));
  }

  /** Ends the leg once: timers stopped, media released, listener told (unless the API asked for it). */
  finish(status: SessionStatus, reason: string, quiet = false): void {
    if (this.terminated) return;
    if (!quiet) this.emit(status, reason);
    this.#terminated = true;
    this.#status = status;
    this.timer.stop();
    this.releaseMedia();
    this.ctx.ended(this);
  }

  /** Leaves the call to another cluster node: no BYE, no event, the media kept; nothing more is done or written. */
  leave(): void {
    this.#terminated = true;
    this.timer.stop();
  }

  /** Asks the anchor to release the call; best effort, never throws (also when a late offer re-created it). */
  releaseMedia(): void {
    Promise.resolve()
      .then(() => this.ctx.anchor.delete(this.callId))
      .catch((error: unknown) =>
        this.log("warn", `releasing the media of ${this.callId} failed: ${String(error)}`),
      );
  }

  /** DELETE from the API: CANCEL, 603 or BYE depending on direction and state. */
  abstract terminate(): void;
}
