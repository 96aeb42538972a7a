import type { OriginateRequest } from "../../engine.ts";
import { EngineError } from "../../engine-error.ts";
import { rejectingAnswer } from "../sdp/rejecting-answer.ts";
import { parseSessionExpires } from "../session-timer/session-timer.ts";
import { type IncomingResponseMessage, type OutgoingInviteRequest, Timers } from "../sip-core.ts";
import { CallLeg, type CallLegContext } from "./call-leg.ts";
import { ALLOW } from "./dialog-leg.ts";
import { sdpBody, sdpOf } from "./dialog-requests.ts";
import type { PendingInvite } from "./dialog-state.ts";
import { engineErrorOf, type SipRefusal } from "./leg-failure.ts";
import { type OutgoingInvite, outgoingInvite } from "./outgoing-invite.ts";
import { sessionStatusFromInvite } from "./session-status-from-sip.ts";

type SdpBody = ReturnType<typeof sdpBody>;

/**
 * An outgoing call (CAMARA call origination): INVITE with `Supported: 100rel, timer`, with or
 * without an SDP offer; PRACK for reliable provisional responses (RFC 3262 §4); ACK for the 2xx;
 * CANCEL before the answer (and ACK + BYE when a 2xx crosses the CANCEL, RFC 3261 §9.1).
 * When the INVITE carried no offer, the offer arrives in a reliable 18x or the 2xx and the device's
 * answer (a later update with answerSdp) goes into the PRACK or ACK.
 */
export class OutgoingCall extends CallLeg {
  readonly direction = "originating";
  private request: OutgoingInviteRequest | undefined;
  private cancelled = false;
  private provisional = false;
  private answered = false;
  /** Set while a network offer waits for the device's answer, to go into the PRACK or ACK. */
  private awaitingAnswer: ((answerSdp: string) => void) | undefined;
  /**
   * Offerless origination: the 2xx carried the offer and its ACK waits for the device's answer.
   * Ending the call first still owes that ACK (RFC 3261 §13.2.2.4: "The UAC core MUST generate an
   * ACK request for each 2xx"), with an answer rejecting every stream, before the BYE.
   */
  private rejectOwedOffer: (() => void) | undefined;
  private readonly offered: boolean;
  /** RFC 3261 §8.1.3.5: a retried INVITE (after 422) keeps the Call-ID, From tag and To. */
  private readonly fromTag = Math.random().toString(36).slice(2, 12);
  /** The INVITE's target, identity and body, made once: a retry after 422 repeats them. */
  private invite: OutgoingInvite | undefined;
  /** The no-answer timer, then, once CANCELled by the API client, the wait for the final response. */
  private noAnswerTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly origination: OriginateRequest,
    contact: string,
    private readonly domain: string,
    callId: string,
    ctx: CallLegContext,
  ) {
    super(
      origination.mediaSessionId,
      origination.registrationId,
      callId,
      contact,
      ctx,
      origination.correlator,
    );
    this.offered = origination.offerSdp !== undefined;
  }

  /**
   * Sends the INVITE. `minSeSec` and `cseq` are set when retrying after 422 (RFC 4028 §7.4): the
   * Session-Expires is raised to the Min-SE the UAS asked for.
   */
  async start(minSeSec?: number, cseq?: number): Promise<void> {
    const o = this.origination;
    if (o.offerSdp !== undefined && this.sdp.local === undefined) {
      this.sdp.deviceGave(o.offerSdp);
      const local = await this.ctx.anchor
        .offer({ ...this.ids, from: "device" }, o.offerSdp)
        .catch((error: unknown) => {
          throw engineErrorOf(error, "Anchoring the device's offer");
        });
      this.sdp.sent(local);
    }
    // RFC 3261 §8.1.3.5: the retry is the same request (its body, the PIDF-LO's Content-ID included).
    this.invite ??= outgoingInvite(o, this.sdp.local, this.domain, new Date());
    const { target, from, fromDisplayName } = this.invite;
    const minSe = Math.max(this.ctx.minSeSec, minSeSec ?? 0);
    const headers = [
      ALLOW,
      this.contactHeader(),
      `Session-Expires: ${Math.max(this.ctx.sessionExpiresSec, minSe)}`,
      `Min-SE: ${minSe}`,
      ...this.invite.headers,
    ];
    const message = this.ctx.core.makeOutgoingRequestMessage(
      "INVITE",
      target,
      from,
      target,
      {
        callId: this.callId,
        fromTag: this.fromTag,
        ...(cseq ? { cseq } : {}),
        ...(fromDisplayName ? { fromDisplayName } : {}),
      },
      [...headers],
      this.invite.body,
    );
    // RFC 4028 §7.4: a retry after 422 carries the same offer, still pending.
    if (this.sdp.local !== undefined && !this.offerPending) this.offerAnswer.apply({ name: "offer-sent" });
    this.log("info", `INVITE sent to ${target.toString()}${cseq ? ` (CSeq ${cseq}, after 422)` : ""}`);
    this.request = this.ctx.core.invite(message, {
      onProgress: (r) => this.onProgress(r.message, r.session, (body) => r.prack(body)),
      onAccept: (r) => this.onAccept(r.message, r.session, (body) => r.ack(body)),
      onReject: (r) => this.onFinalFailure(r.message),
      onRedirect: (r) => this.onFinalFailure(r.message),
    });
    if (!this.noAnswerTimer) {
      this.noAnswerTimer = setTimeout(
        () => this.guarded("Cancelling the unanswered INVITE", () => this.noAnswer()),
        this.ctx.inviteTimeoutMs,
      );
      this.noAnswerTimer.unref();
    }
  }

  protected override pendingInvite(): PendingInvite | undefined {
    const message = this.request?.message;
    if (!message?.branch) return undefined;
    return {
      ruri: message.ruri.toString(),
      fromUri: message.from.uri.toString(),
      fromTag: message.fromTag,
      toUri: message.to.uri.toString(),
      cseq: message.cseq,
      branch: message.branch,
    };
  }

  private onProgress(
    message: IncomingResponseMessage,
    session: NonNullable<CallLeg["session"]>,
    prack: (options: { extraHeaders: string[]; body?: SdpBody }) => unknown,
  ): void {
    if (this.terminated || this.answered) return;
    this.provisional = true;
    this.notePeer(message);
    this.adoptSession(session);
    const code = message.statusCode ?? 183;
    const status = sessionStatusFromInvite({ response: code }) ?? this.status;
    const reason = `${code} ${message.reasonPhrase}`;
    const sdp = sdpOf(message);
    const rseq = message.getHeader("rseq");
    const reliable = /100rel/i.test(message.getHeader("require") ?? "") && rseq !== undefined;
    const rack = reliable ? [`RAck: ${rseq} ${message.cseq} INVITE`] : [];
    // The anchor failing on an SDP of the 18x leaves a call without media: CANCEL (see abandon).
    if (sdp && this.offered && this.offerPending) {
      // The answer to our INVITE offer, in a (reliable) provisional response.
      this.settle(
        `Anchoring the answer in ${reason}`,
        this.acceptAnswer(sdp).then((answer) => {
          if (this.terminated) return;
          // The 2xx may have overtaken the anchor: the call stays Connected and the answer is still reported.
          if (this.answered) return this.emit(this.status, reason, { answerSdp: answer });
          if (reliable) prack({ extraHeaders: rack });
          this.emit(status, reason, { answerSdp: answer });
        }),
      );
      return;
    }
    if (sdp && !this.offered && reliable && !this.sdp.remote && this.offerAnswer.is("idle")) {
      // Offerless INVITE: the offer is in this reliable 18x; RFC 3262 §5: the PRACK carries the answer.
      this.offerAnswer.apply({ name: "offer-received", in: "18x" });
      this.settle(
        `Anchoring the offer in ${reason}`,
        this.acceptOffer(sdp).then((offer) => {
          this.awaitingAnswer = (answerSdp) => prack({ extraHeaders: rack, body: sdpBody(answerSdp) });
          this.emit(status, reason, { offerSdp: offer });
        }),
      );
      return;
    }
    if (reliable) prack({ extraHeaders: rack });
    this.emit(status, reason);
  }

  private onAccept(
    message: IncomingResponseMessage,
    session: NonNullable<CallLeg["session"]>,
    ack: (options?: { body?: SdpBody }) => unknown,
  ): void {
    if (this.answered) return;
    this.answered = true;
    this.stopNoAnswerTimer();
    this.notePeer(message);
    this.confirm(session);
    if (this.cancelled || this.terminated) {
      // RFC 3261 §9.1 / §15: a 2xx that crossed our CANCEL is acknowledged, then the call is ended.
      ack();
      session.bye(undefined, { extraHeaders: ['Reason: SIP;cause=487;text="Cancelled by the API client"'] });
      this.finish("SessionCancelled", "2xx crossed CANCEL; ended with BYE", true);
      return;
    }
    const reason = `${message.statusCode} ${message.reasonPhrase}`;
    this.timer.negotiated(parseSessionExpires(message.getHeader("session-expires")), "uac");
    const sdp = sdpOf(message);
    if (sdp && this.offered && this.offerPending) {
      ack();
      this.settle(
        `Anchoring the answer in ${reason}`,
        this.acceptAnswer(sdp).then((answer) => this.emit("Connected", reason, { answerSdp: answer })),
      );
    } else if (sdp && !this.offered && !this.sdp.remote && this.offerAnswer.is("idle")) {
      // RFC 3261 §13.2.1: the offer is in the 2xx and the ACK carries the answer; the ACK waits for
      // the device (the 2xx is retransmitted meanwhile).
      this.offerAnswer.apply({ name: "offer-received", in: "2xx" });
      this.rejectOwedOffer = () => ack({ body: sdpBody(rejectingAnswer(sdp)) });
      const what = `Anchoring the offer in ${reason}`;
      this.settle(
        what,
        this.acceptOffer(sdp).then(
          (offer) => {
            this.awaitingAnswer = (answerSdp) => ack({ body: sdpBody(answerSdp) });
            this.emit("Connected", reason, { offerSdp: offer });
          },
          (error: unknown) => {
            // RFC 3261 §13.2.2.4: "If the offer in the 2xx response is not acceptable, the UAC core
            // MUST generate a valid answer in the ACK and then send a BYE immediately."
            this.ackRejectingOwedOffer();
            this.fail(what, error);
          },
        ),
      );
    } else {
      ack();
      this.emit("Connected", reason);
    }
  }

  private onFinalFailure(message: IncomingResponseMessage): void {
    const code = message.statusCode ?? 500;
    if (code === 422 && !this.cancelled && !this.terminated) {
      // RFC 4028 §7.4: retry with a Session-Expires at least the Min-SE the UAS asked for.
      const minSe = Number(message.getHeader("min-se")?.split(";")[0] ?? 0);
      this.start(minSe, message.cseq + 1).catch((error: unknown) => {
        const failure = engineErrorOf(error, "Retrying the INVITE after 422");
        this.log("error", `${failure.message} (${this.callId})`);
        this.finish("Failed", `422 retry failed (${failure.failure})`);
      });
      return;
    }
    this.stopNoAnswerTimer();
    if (this.offerPending) this.offerAnswer.apply({ name: "offer-ended" });
    // sip.js reports Timer B and transport errors as a locally made 408 or 503 without Via.
    const local = message.getHeaders("via").length === 0;
    const status =
      local && code === 503 ? "Failed" : (sessionStatusFromInvite({ response: code }) ?? "Failed");
    const reason = local
      ? code === 408
        ? "No final response before Timer B (RFC 3261 §17.1.1.2)"
        : "Transport error"
      : `${code} ${message.reasonPhrase}${message.getHeader("reason") ? ` (Reason: ${message.getHeader("reason")})` : ""}`;
    this.finish(this.cancelled ? "SessionCancelled" : status, reason, this.cancelled);
  }

  /**
   * The gateway's no-answer timer (SIP_INVITE_TIMEOUT_MS): RFC 3261 §9.1 lets a UAC give up on an
   * INVITE with CANCEL; sip.js holds the CANCEL until a provisional response has arrived.
   */
  private noAnswer(): void {
    this.noAnswerTimer = undefined;
    if (this.answered || this.terminated || this.cancelled || !this.request) return;
    this.cancelled = true;
    this.request.cancel('Q.850;cause=19;text="No answer from user"');
    this.finish(
      sessionStatusFromInvite({ timeout: "no-answer" }) ?? "NoAnswer",
      `No final response within ${this.ctx.inviteTimeoutMs} ms; CANCEL sent`,
    );
  }

  private stopNoAnswerTimer(): void {
    if (this.noAnswerTimer) clearTimeout(this.noAnswerTimer);
    this.noAnswerTimer = undefined;
  }

  /**
   * The device's answer to an offer the network made (offerless origination): into the PRACK or ACK.
   * An answer the anchor refuses is an EngineError and the offer still waits for one (the network
   * retransmits its 18x or 2xx meanwhile), so the device can send another.
   */
  async deviceAnswer(answerSdp: string): Promise<boolean> {
    const send = this.awaitingAnswer;
    if (!send) return false;
    this.awaitingAnswer = undefined;
    let sdp: string;
    try {
      sdp = await this.ctx.anchor.answer({ ...this.ids, from: "device" }, answerSdp);
    } catch (error) {
      if (!this.terminated) this.awaitingAnswer = send;
      throw engineErrorOf(error, "Anchoring the device's answer");
    }
    if (this.terminated) {
      this.releaseMedia(); // the answer may have re-created what the teardown released
      throw new EngineError("invalid_state", "the call ended while the device's answer was anchored");
    }
    this.sdp.deviceGave(answerSdp);
    this.sdp.sent(sdp);
    this.offerAnswer.apply({ name: "answer-sent" });
    this.rejectOwedOffer = undefined;
    send(sdp);
    return true;
  }

  /** The ACK still owed for a 2xx offer, with every stream rejected (at most once). */
  private ackRejectingOwedOffer(): void {
    const owed = this.rejectOwedOffer;
    this.rejectOwedOffer = undefined;
    this.awaitingAnswer = undefined;
    if (owed) this.guarded("Acknowledging the 2xx", owed);
  }

  /** After a failure: CANCEL before the 2xx (RFC 3261 §9.1), with its Reason; BYE after. */
  protected override abandon(reason: string, refusal: SipRefusal): string {
    this.stopNoAnswerTimer();
    if (this.confirmed) {
      this.ackRejectingOwedOffer();
      return super.abandon(reason, refusal);
    }
    if (!this.request) return "nothing sent";
    this.cancelled = true;
    this.request.cancel(reason);
    return "CANCEL sent";
  }

  /** DELETE of an originating session: CANCEL before the 2xx, BYE after (RFC 3261 §9.1, §15.1). */
  terminate(): void {
    this.stopNoAnswerTimer();
    if (this.confirmed) {
      this.ackRejectingOwedOffer();
      this.bye('Q.850;cause=16;text="Normal call clearing"');
      return;
    }
    if (!this.request) throw new EngineError("invalid_state", "the INVITE was not sent");
    this.cancelled = true;
    try {
      // RFC 3261 §9.1: CANCEL only after a provisional response; sip.js waits for one if needed.
      this.request.cancel('SIP;cause=487;text="Cancelled by the API client"');
    } catch (error) {
      this.log("warn", `CANCEL of ${this.callId} could not be sent: ${(error as Error).message}`);
      this.finish("SessionCancelled", "CANCEL could not be sent", true);
      return;
    }
    if (!this.provisional) this.log("debug", `CANCEL of ${this.callId} waits for a provisional response`);
    // RFC 3261 §9.1: "If no final response has been received after 64*T1 seconds, the client SHOULD
    // consider the INVITE transaction cancelled and destroy it." The leg goes with it.
    this.noAnswerTimer = setTimeout(
      () => this.finish("SessionCancelled", "No final response to the CANCELled INVITE", true),
      64 * Timers.T1,
    );
    this.noAnswerTimer.unref();
  }
}
