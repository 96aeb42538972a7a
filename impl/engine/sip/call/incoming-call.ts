import type { SessionStatus } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { type UasSessionTimer, uasSessionTimer } from "../session-timer/session-timer.ts";
import {
  type IncomingInviteRequest,
  type IncomingRequestMessage,
  resendOnInviteTransaction,
  Timers,
} from "../sip-core.ts";
import { CallLeg, type CallLegContext } from "./call-leg.ts";
import { ALLOW } from "./dialog-leg.ts";
import { reasonOf, sdpBody, sdpOf } from "./dialog-requests.ts";
import type { UnansweredInvite } from "./dialog-state.ts";
import { engineErrorOf, type SipRefusal } from "./leg-failure.ts";
import { responseForDeviceStatus } from "./session-status-from-sip.ts";

/**
 * An incoming call (CAMARA call termination): the device answers through status updates —
 * InProgress → 183 (reliable, RFC 3262, with the answer or, for an offerless INVITE, the device's
 * offer), Ringing → 180, Connected → 200 — and DELETE before the answer declines with 603.
 * sip.js adds the Contact of 18x and 2xx responses to the INVITE itself.
 */
export class IncomingCall extends CallLeg {
  readonly direction = "terminating";
  private rseq = Math.floor(Math.random() * 1000) + 1;
  /** The reliable provisional response awaiting PRACK: RFC 3262 §3 allows one at a time. */
  private unacked: { timer: NodeJS.Timeout; done: () => void; acked: Promise<void> } | undefined;
  private readonly peerSupports100rel: boolean;
  private readonly peerRequires100rel: boolean;
  private answeredFinal = false;

  constructor(
    mediaSessionId: string,
    registrationId: string,
    readonly invite: IncomingInviteRequest,
    contact: string,
    ctx: CallLegContext,
    correlator?: string,
  ) {
    super(mediaSessionId, registrationId, invite.message.callId, contact, ctx, correlator);
    const tags = (name: string) => invite.message.getHeaders(name).join(",").toLowerCase();
    this.peerRequires100rel = tags("require").includes("100rel");
    this.peerSupports100rel = this.peerRequires100rel || tags("supported").includes("100rel");
    this.notePeer(invite.message);
    if (sdpOf(invite.message) !== undefined) this.offerAnswer.apply({ name: "offer-received", in: "INVITE" });
    invite.delegate = {
      onCancel: (cancel) => {
        const reason = reasonOf(cancel);
        if (!this.answeredFinal) {
          this.answeredFinal = true;
          this.stopRetransmission();
          try {
            invite.reject({ statusCode: 487 });
          } catch (error) {
            // The transaction is already over; the call ends cancelled all the same.
            this.log("warn", `487 to ${this.callId} could not be sent: ${(error as Error).message}`);
          }
        }
        this.finish("SessionCancelled", `CANCEL${reason ? ` (Reason: ${reason})` : ""}`);
      },
    };
    // Persisted from the start: a restarted gateway answers the INVITE 480 (recover-dialog.ts).
    this.changed();
  }

  protected override unansweredInvite(): UnansweredInvite | undefined {
    if (this.answeredFinal) return undefined;
    return { raw: this.invite.message.data, toTag: this.session?.localTag };
  }

  /** The INVITE came without an offer and the device has not made one yet (in a 183 or the 200). */
  get awaitsDeviceOffer(): boolean {
    return sdpOf(this.invite.message) === undefined && this.sdp.local === undefined;
  }

  /** The INVITE's offer still awaits the device's answer. */
  private get inviteOfferOwed(): boolean {
    const oa = this.offerAnswer.state;
    return oa.name === "remote-offer" && oa.in === "INVITE";
  }

  /** The network offer of the INVITE (after the media anchor), if it had one. */
  async receiveOffer(): Promise<string | undefined> {
    const sdp = sdpOf(this.invite.message);
    if (!sdp) return undefined;
    return this.acceptOffer(sdp);
  }

  /** RFC 4028 §9 for the INVITE: 422 when its Session-Expires is below our Min-SE, else the 2xx headers. */
  static sessionTimer(message: IncomingRequestMessage, minSeSec: number): UasSessionTimer {
    const tags = [...message.getHeaders("supported"), ...message.getHeaders("require")].join(",");
    return uasSessionTimer(
      { sessionExpires: message.getHeader("session-expires"), supportsTimer: /\btimer\b/i.test(tags) },
      { minSeSec },
    );
  }

  /** The device moved the call forward: 183 / 180 / 200 with its SDP (answer, or offer when the INVITE had none). */
  async answer(status: SessionStatus, sdp: string | undefined): Promise<void> {
    const response = responseForDeviceStatus(status);
    if (!response) throw new EngineError("invalid_state", `an incoming call cannot move to ${status}`);
    if (this.answeredFinal || this.terminated)
      throw new EngineError("invalid_state", "the call is already answered or ended");
    // RFC 3264 §4: the device's SDP here belongs to the INVITE's exchange; an early UPDATE's, or an
    // answer still in the media anchor, must end first.
    const oa = this.offerAnswer.state;
    const otherExchange =
      oa.name === "anchoring-answer" || (oa.name === "remote-offer" && oa.in !== "INVITE");
    if (sdp !== undefined && otherExchange)
      throw new EngineError("glare", "an offer/answer exchange is in progress");
    let body: string | undefined;
    if (sdp !== undefined) {
      const leg = { ...this.ids, from: "device" as const };
      const offered = sdpOf(this.invite.message) !== undefined;
      try {
        body = offered ? await this.ctx.anchor.answer(leg, sdp) : await this.ctx.anchor.offer(leg, sdp);
      } catch (error) {
        // Nothing was sent: the INVITE still waits, and the device may answer again.
        throw engineErrorOf(error, `Anchoring the device's ${offered ? "answer" : "offer"}`);
      }
      if (this.answeredFinal || this.terminated) {
        this.releaseMedia(); // the anchor may have re-created what the teardown released
        throw new EngineError("invalid_state", "the call ended while the device's SDP was anchored");
      }
      // Without an offer in the INVITE, the device's SDP is the offer; the answer comes in PRACK or ACK.
      if (!offered && this.sdp.local === undefined) this.offerAnswer.apply({ name: "offer-sent" });
      if (this.inviteOfferOwed) this.offerAnswer.apply({ name: "answer-sent" });
      this.sdp.deviceGave(sdp);
      this.sdp.sent(body);
    }
    if (response.code === 200) {
      this.answeredFinal = true;
      // The INVITE transaction ends here: an offer of it the device never answered is owed no more.
      if (this.inviteOfferOwed) this.offerAnswer.apply({ name: "offer-dropped" });
      this.stopRetransmission();
      const timer = IncomingCall.sessionTimer(this.invite.message, this.ctx.minSeSec);
      const timerHeaders = timer && !("reject" in timer) ? timer.headers : [];
      // RFC 3261 §13.3.1.4: the 2xx carries the offer or the answer; after a reliable 18x it repeats
      // the same SDP (RFC 6337 §3.1), which the UAC ignores.
      const result = this.respond("Sending the 200 OK", () =>
        this.invite.accept({
          statusCode: 200,
          ...(this.sdp.local !== undefined ? { body: sdpBody(this.sdp.local) } : {}),
          extraHeaders: [ALLOW, ...timerHeaders],
        }),
      );
      this.assumeStatus("Connected");
      this.confirm(result.session);
      if (timer && !("reject" in timer))
        this.timer.negotiated({ deltaSec: timer.deltaSec, refresher: timer.refresher }, "uas");
      this.changed();
      return;
    }
    // RFC 3262 §3: "The UAS MUST NOT send a second reliable provisional response until the first is acknowledged."
    if (this.unacked) await this.unacked.acked;
    if (this.answeredFinal || this.terminated)
      throw new EngineError("invalid_state", "the call ended before its provisional response could be sent");
    const reliable = this.peerRequires100rel || (this.peerSupports100rel && body !== undefined);
    const headers = [ALLOW];
    if (reliable) headers.push("Require: 100rel", `RSeq: ${this.rseq++}`);
    const result = this.respond(`Sending the ${response.code} ${response.reason}`, () =>
      this.invite.progress({
        statusCode: response.code,
        reasonPhrase: response.reason,
        ...(body !== undefined ? { body: sdpBody(body) } : {}),
        extraHeaders: headers,
      }),
    );
    this.adoptSession(result.session);
    this.assumeStatus(status);
    this.changed();
    if (reliable) this.retransmitUntilPrack(result.message);
  }

  /**
   * Sends a response the device asked for. sip.js throws when the server transaction is over (a
   * transport error ended it): the call cannot go on, it ends Failed, and the API hears invalid_state.
   */
  private respond<T>(what: string, send: () => T): T {
    try {
      return send();
    } catch (error) {
      this.answeredFinal = true;
      this.fail(what, error);
      throw new EngineError("invalid_state", `${what} failed: the INVITE can no longer be answered`, {
        cause: error,
      });
    }
  }

  /** RFC 3262 §3: the reliable provisional response is retransmitted at T1, doubling, until PRACK. */
  private retransmitUntilPrack(message: string): void {
    let done: () => void = () => undefined;
    const acked = new Promise<void>((resolve) => {
      done = resolve;
    });
    let interval = Timers.T1;
    const started = Date.now();
    const entry = { timer: undefined as unknown as NodeJS.Timeout, done, acked };
    const fire = () => {
      if (this.unacked !== entry) return;
      if (Date.now() - started >= 64 * Timers.T1) {
        // RFC 3262 §3: no PRACK within 64*T1 — the UAS SHOULD reject the INVITE with 5xx.
        this.stopRetransmission();
        if (!this.answeredFinal) {
          this.answeredFinal = true;
          this.guarded("Rejecting the INVITE without PRACK", () =>
            this.invite.reject({ statusCode: 504, reasonPhrase: "No PRACK" }),
          );
          this.finish("Failed", "No PRACK for the reliable provisional response (RFC 3262 §3)");
        }
        return;
      }
      try {
        resendOnInviteTransaction(this.invite, Number(message.slice(8, 11)), message);
      } catch (error) {
        // The server transaction is over (a transport error ended it): the INVITE cannot be answered.
        this.stopRetransmission();
        this.answeredFinal = true;
        this.fail("Retransmitting the reliable provisional response", error);
        return;
      }
      interval *= 2;
      entry.timer = setTimeout(fire, interval);
      entry.timer.unref();
    };
    entry.timer = setTimeout(fire, interval);
    entry.timer.unref();
    this.unacked = entry;
  }

  private stopRetransmission(): void {
    const entry = this.unacked;
    if (!entry) return;
    clearTimeout(entry.timer);
    this.unacked = undefined;
    entry.done();
  }

  protected override onPrack(prack: { message: IncomingRequestMessage; accept(o?: object): unknown }): void {
    this.stopRetransmission();
    prack.accept({ statusCode: 200 });
    // RFC 3262 §5: the answer to an offer in a reliable provisional response may come in the PRACK.
    const answer = sdpOf(prack.message);
    if (answer && this.offerPending)
      this.settle(
        "Anchoring the answer in the PRACK",
        this.acceptAnswer(answer).then((sdp) =>
          this.emit(this.status, "Answer in PRACK", { answerSdp: sdp }),
        ),
      );
  }

  /**
   * After a failure: before the 2xx, a final error response to the INVITE with a Reason (RFC 3326,
   * RFC 6432 allows it in responses); after it, BYE.
   */
  protected override abandon(reason: string, refusal: SipRefusal): string {
    if (this.confirmed) return super.abandon(reason, refusal);
    if (this.answeredFinal) return "nothing sent";
    this.answeredFinal = true;
    this.stopRetransmission();
    this.invite.reject({
      statusCode: refusal.code,
      reasonPhrase: refusal.reasonPhrase,
      extraHeaders: [...refusal.headers, `Reason: ${reason}`],
    });
    return `${refusal.code} sent`;
  }

  /** DELETE of a terminating session: 603 Decline before the answer, BYE after. */
  terminate(): void {
    if (this.confirmed) {
      this.bye('Q.850;cause=16;text="Normal call clearing"');
      return;
    }
    if (!this.answeredFinal) {
      this.answeredFinal = true;
      this.stopRetransmission();
      try {
        this.invite.reject({ statusCode: 603, reasonPhrase: "Decline" });
      } catch (error) {
        // The server transaction is already over (e.g. a transport error): nothing left to decline.
        this.log("warn", `603 Decline to ${this.callId} could not be sent: ${(error as Error).message}`);
      }
    }
    this.finish("Declined", "603 Decline sent", true);
  }
}
