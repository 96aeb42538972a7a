import type { SessionEvent, SessionStatus } from "../engine.ts";
import { EngineError } from "../engine-error.ts";
import { answerRemoteOffer } from "./answer-remote-offer.ts";
import { reasonOf, sdpBody, sdpOf, sendReinvite, sendUpdate, updateServer } from "./dialog-requests.ts";
import type { MediaAnchor } from "./media-anchor.ts";
import { holdDirection, sdpDirection, sdpOrigin, withDirection } from "./sdp-direction.ts";
import { sendSessionRefresh } from "./send-session-refresh.ts";
import { SessionRefresher } from "./session-refresher.ts";
import { engineFailureFromSip } from "./session-status-from-sip.ts";
import { parseSessionExpires } from "./session-timer.ts";
import type { IncomingRequestMessage, IncomingResponseMessage, Session, UserAgentCore } from "./sip-core.ts";

export const ALLOW = "Allow: INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, OPTIONS";

export interface CallLegContext {
  readonly core: UserAgentCore;
  readonly anchor: MediaAnchor;
  /** Session-Expires we ask for, seconds (RFC 4028). */
  readonly sessionExpiresSec: number;
  readonly minSeSec: number;
  /** Multiplies every session-timer delay; 1 in production (see {@link SessionRefresher}). */
  readonly sessionTimerScale: number;
  /** An outgoing INVITE without a final response after this long is cancelled (NoAnswer), ms. */
  readonly inviteTimeoutMs: number;
  emit(event: SessionEvent): void;
  /** The leg's dialog is known (early or confirmed): UPDATEs can be routed to it. */
  bindDialog(dialogId: string, leg: CallLeg): void;
  ended(leg: CallLeg): void;
  log(level: "debug" | "info" | "warn" | "error", message: string): void;
}

/**
 * What both call directions share once a dialog exists: offer/answer state (RFC 3264, RFC 3311 for
 * UPDATE), hold and resume by re-INVITE, session timers (RFC 4028), remote UPDATE/re-INVITE/BYE, and
 * teardown with a Reason (RFC 3326). Subclasses add the INVITE transaction of their direction.
 * Answering remote offers (answer-remote-offer.ts) and sending session refreshes
 * (send-session-refresh.ts) live beside it and work on its state, which is public to this engine.
 */
export abstract class CallLeg {
  session: Session | undefined;
  confirmed = false;
  terminated = false;
  /** The device's last SDP as the device gave it (before the media anchor): the base for hold and for answers. */
  deviceSdp: string | undefined;
  /** The SDP last sent to the network (after the media anchor) and received from it. */
  localSdp: string | undefined;
  remoteSdp: string | undefined;
  /** Our offer awaits its answer (RFC 3261 §14.1, RFC 3311 §5.1: no second offer until it ends). */
  offerPending = false;
  /** A network offer awaits the device's answer. */
  answerOwed = false;
  status: SessionStatus = "Initial";
  /** Methods the peer listed in its Allow header (RFC 3261 §20.5), to pick UPDATE for refreshes. */
  readonly peerAllows = new Set<string>();
  readonly timer: SessionRefresher;
  /** The o= line of the last SDP the network sent: an unchanged one is a refresh, not a change (RFC 3264 §8). */
  networkOrigin: string | undefined;

  constructor(
    readonly mediaSessionId: string,
    readonly registrationId: string,
    readonly callId: string,
    protected readonly contact: string,
    readonly ctx: CallLegContext,
  ) {
    this.timer = new SessionRefresher(
      { refresh: () => sendSessionRefresh(this), expired: () => this.sessionExpired() },
      ctx.sessionTimerScale,
    );
  }

  /** How the media anchor names this leg. */
  get ids() {
    return { mediaSessionId: this.mediaSessionId, callId: this.callId };
  }

  contactHeader(): string {
    return `Contact: <${this.contact}>`;
  }

  emit(status: SessionStatus, reason: string, sdp?: { offerSdp?: string; answerSdp?: string }): void {
    if (this.terminated) return;
    this.status = status;
    this.ctx.emit({ mediaSessionId: this.mediaSessionId, status, reason, ...sdp });
  }

  /** Remembers what the peer allows, from any message it sent. */
  protected notePeer(message: { getHeaders(name: string): string[] }): void {
    for (const header of message.getHeaders("allow"))
      for (const method of header.split(",")) this.peerAllows.add(method.trim().toUpperCase());
  }

  protected adoptSession(session: Session): void {
    if (this.session === session) return;
    this.session = session;
    this.ctx.bindDialog(session.id, this);
    session.delegate = {
      onBye: (bye) => {
        bye.accept();
        const reason = reasonOf(bye.message);
        this.finish("Terminated", `BYE${reason ? ` (Reason: ${reason})` : ""}`);
      },
      onInvite: (reinvite) => {
        this.notePeer(reinvite.message);
        void answerRemoteOffer(this, "re-INVITE", reinvite.message, (code, body, headers) => {
          if (code >= 300)
            reinvite.reject({ statusCode: code, ...(headers ? { extraHeaders: headers } : {}) });
          else
            reinvite.accept({
              statusCode: 200,
              ...(body ? { body: sdpBody(body) } : {}),
              extraHeaders: [ALLOW, this.contactHeader(), ...(headers ?? [])],
            });
        });
      },
      onAck: (ack) => this.onAck(ack.message),
      onPrack: (prack) => this.onPrack(prack),
    };
  }

  /** A PRACK arrived for a reliable provisional response we sent (incoming calls only). */
  protected onPrack(prack: { message: IncomingRequestMessage; accept(o?: object): unknown }): void {
    prack.accept({ statusCode: 200 });
  }

  /**
   * An ACK for a 2xx we sent. RFC 3261 §13.2.1: when our 2xx carried the offer (an INVITE or
   * re-INVITE without one), "the answer MUST be in the ACK".
   */
  protected onAck(message: IncomingRequestMessage): void {
    if (!this.offerPending) return;
    const answer = sdpOf(message);
    if (!answer) {
      this.offerPending = false;
      this.ctx.log("warn", `ACK without the answer to our offer in ${this.callId}`);
      return;
    }
    void this.acceptAnswer(answer).then((sdp) => this.emit(this.status, "Answer in ACK", { answerSdp: sdp }));
  }

  /** An answer from the network to our offer, through the media anchor. */
  protected async acceptAnswer(sdp: string): Promise<string> {
    this.offerPending = false;
    this.networkOrigin = sdpOrigin(sdp);
    this.remoteSdp = await this.ctx.anchor.answer({ ...this.ids, from: "network" }, sdp);
    return this.remoteSdp;
  }

  /** An offer from the network, through the media anchor, for the device to answer. */
  async acceptOffer(sdp: string): Promise<string> {
    this.networkOrigin = sdpOrigin(sdp);
    this.remoteSdp = await this.ctx.anchor.offer({ ...this.ids, from: "network" }, sdp);
    return this.remoteSdp;
  }

  /** UPDATE received in this dialog (RFC 3311 §5.2). */
  onUpdate(message: IncomingRequestMessage): void {
    const uas = updateServer(this.ctx.core, message);
    this.notePeer(message);
    void answerRemoteOffer(this, "UPDATE", message, (code, body, headers) => {
      if (code >= 300) uas.reject({ statusCode: code, ...(headers ? { extraHeaders: headers } : {}) });
      else
        uas.accept({
          statusCode: 200,
          ...(body ? { body: sdpBody(body) } : {}),
          // RFC 3311 §5.2: UPDATE is a target refresh request; its 2xx carries a Contact.
          extraHeaders: [ALLOW, this.contactHeader(), ...(headers ?? [])],
        });
    });
  }

  /**
   * Device-side media change: UPDATE in an early dialog, re-INVITE in a confirmed one (RFC 3311 §5.1:
   * UPDATE is for changes "before the initial INVITE has been answered").
   */
  async changeMedia(offerSdp: string, status: SessionStatus): Promise<void> {
    const session = this.session;
    if (!session)
      throw new EngineError("invalid_state", "no dialog yet: the network has not answered the INVITE");
    if (this.offerPending || this.answerOwed)
      throw new EngineError("glare", "an offer/answer exchange is in progress");
    const sdp = await this.ctx.anchor.offer({ ...this.ids, from: "device" }, offerSdp);
    const before = { status: this.status, deviceSdp: this.deviceSdp };
    this.offerPending = true;
    this.status = status;
    this.deviceSdp = offerSdp;
    const done = (response: IncomingResponseMessage, method: string) => {
      this.offerPending = false;
      this.notePeer(response);
      const code = response.statusCode ?? 500;
      const reason = `${code} ${response.reasonPhrase} (${method})`;
      if (code >= 200 && code < 300) {
        this.localSdp = sdp;
        if (this.confirmed)
          this.timer.negotiated(parseSessionExpires(response.getHeader("session-expires")), "uac");
        const answer = sdpOf(response);
        if (answer) void this.acceptAnswer(answer).then((a) => this.emit(status, reason, { answerSdp: a }));
        return;
      }
      // RFC 3261 §14.1 and RFC 3311 §5.1: a failed re-INVITE or UPDATE leaves the session as it was.
      this.deviceSdp = before.deviceSdp;
      if (this.confirmed && (code === 481 || code === 408)) {
        // RFC 3261 §14.1: "If a UAC receives a 481 or 408 to a re-INVITE, it MUST terminate the dialog."
        this.endWithBye('SIP;cause=408;text="Dialog lost"', `${reason}: the dialog is gone`);
        return;
      }
      this.emit(
        before.status,
        `${reason}: the media change was not applied (${engineFailureFromSip(code, false)})`,
      );
    };
    if (!this.confirmed) {
      void sendUpdate(session, { body: sdpBody(sdp), extraHeaders: [ALLOW, this.contactHeader()] }).then(
        (r) => done(r, "UPDATE"),
      );
      return;
    }
    try {
      const headers = [ALLOW, this.contactHeader(), ...this.timer.requestHeaders(this.ctx.minSeSec)];
      void sendReinvite(session, { body: sdpBody(sdp), extraHeaders: headers }).then((r) =>
        done(r, "re-INVITE"),
      );
    } catch (error) {
      // sip.js refuses a re-INVITE while another INVITE transaction runs in the dialog (RFC 3261 §14.1).
      this.offerPending = false;
      this.status = before.status;
      this.deviceSdp = before.deviceSdp;
      throw new EngineError("glare", (error as Error).message, { cause: error });
    }
  }

  /** Hold (sendonly/inactive) and Resume (sendrecv) by re-INVITE from the device's last SDP. */
  async hold(onHold: boolean, offerSdp: string | undefined): Promise<void> {
    const base = offerSdp ?? this.deviceSdp;
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
    if (this.session && this.confirmed && !this.terminated)
      this.session.bye(undefined, { extraHeaders: [`Reason: ${reason}`] });
    this.finish("Terminated", description);
  }

  /** BYE in a confirmed dialog, with a Reason (RFC 3326). */
  bye(reason: string): void {
    const session = this.session;
    if (session && this.confirmed && !this.terminated)
      session.bye(undefined, { extraHeaders: [`Reason: ${reason}`] });
    // The API client asked for it and the services record the Terminated status themselves.
    this.finish("Terminated", "BYE sent", true);
  }

  /** Ends the leg once: timers stopped, media released, listener told (unless the API asked for it). */
  finish(status: SessionStatus, reason: string, quiet = false): void {
    if (this.terminated) return;
    if (!quiet) this.emit(status, reason);
    this.terminated = true;
    this.status = status;
    this.timer.stop();
    void this.ctx.anchor.delete(this.callId).catch(() => undefined);
    this.ctx.ended(this);
  }

  /** DELETE from the API: CANCEL, 603 or BYE depending on direction and state. */
  abstract terminate(): void;
}
