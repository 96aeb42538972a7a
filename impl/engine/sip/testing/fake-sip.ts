import type { SessionEvent } from "../../engine.ts";
import type { MediaAnchor } from "../../media-anchor.ts";
import { passThroughMediaAnchor } from "../../media-anchor.ts";
import { CallLeg, type CallLegContext } from "../call/call-leg.ts";
import type { SdpSides } from "../call/leg-sdp.ts";
import type { IncomingInviteRequest, Session } from "../sip-core.ts";
import { recordingLogger } from "./recording-logger.ts";

/**
 * Fakes of the sip.js core pieces a call leg uses, for unit tests: messages, a dialog, the core's
 * INVITE client, an incoming INVITE. They record what the leg sends and let the test play the peer.
 */

export const SDP = (port: number, direction = "sendrecv", version = 1) =>
  `v=0\r\no=x 1 ${version} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=${direction}\r\n`;

/** A SIP message as the call legs read it: headers by name, a body, a status for responses. */
export function message(
  headers: Record<string, string>,
  body?: string,
  status?: { code: number; reason: string },
) {
  const all: Record<string, string> = {
    ...(body ? { "content-type": "application/sdp" } : {}),
    ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
  return {
    body: body ?? "",
    callId: all["call-id"] ?? "call-1",
    cseq: 1,
    statusCode: status?.code,
    reasonPhrase: status?.reason,
    getHeader: (name: string) => all[name.toLowerCase()],
    hasHeader: (name: string) => all[name.toLowerCase()] !== undefined,
    getHeaders: (name: string) => (all[name.toLowerCase()] ? [all[name.toLowerCase()] as string] : []),
  };
}

export const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A dialog that records what the leg sends in it and lets the test answer. */
export class FakeDialog {
  readonly id = "call-1local-tagremote-tag";
  delegate: Record<string, (request: unknown) => void> = {};
  readonly invites: Array<{
    headers: string[];
    body: string | undefined;
    answer(code: number, headers?: Record<string, string>, sdp?: string): void;
  }> = [];
  readonly byes: string[][] = [];
  /** ACKs sent for 2xx answers to our re-INVITEs (sip.js sends them before the leg sees the 2xx). */
  acksSent = 0;
  /** Set to make `bye` throw, as sip.js does before the ACK of a 2xx it sent (RFC 3261 §15). */
  byeError: Error | undefined;
  /** Set to make building an in-dialog request (UPDATE) throw. */
  requestError: Error | undefined;
  invite(
    delegate: { onAccept(r: unknown): void; onReject(r: unknown): void },
    options: { extraHeaders: string[]; body?: { content: string } },
  ) {
    this.invites.push({
      headers: options.extraHeaders,
      body: options.body?.content,
      answer: (code, headers = {}, sdp) => {
        const response = message(headers, sdp, { code, reason: code === 200 ? "OK" : "Refused" });
        if (code < 300)
          delegate.onAccept({
            message: response,
            ack: () => {
              this.acksSent += 1;
            },
          });
        else delegate.onReject({ message: response });
      },
    });
  }
  bye(_delegate: unknown, options: { extraHeaders: string[] }) {
    if (this.byeError) throw this.byeError;
    this.byes.push(options.extraHeaders);
  }
  createOutgoingRequestMessage(): never {
    throw this.requestError ?? new Error("FakeDialog builds no UPDATE");
  }
  /** A re-INVITE from the far end; resolves with the final response the leg gave it. */
  reinvite(headers: Record<string, string>, sdp?: string): Promise<{ code: number; headers: string[] }> {
    return new Promise((resolve) => {
      this.delegate.onInvite?.({
        message: message(headers, sdp),
        accept: (o: { statusCode: number; extraHeaders?: string[] }) =>
          resolve({ code: o.statusCode, headers: o.extraHeaders ?? [] }),
        reject: (o: { statusCode: number; extraHeaders?: string[] }) =>
          resolve({ code: o.statusCode, headers: o.extraHeaders ?? [] }),
      });
    });
  }
  /** An ACK from the far end, with or without SDP. */
  ack(sdp?: string): void {
    this.delegate.onAck?.({ message: message({}, sdp) });
  }
  asSession(): Session {
    return this as unknown as Session;
  }
}

/** The core's INVITE client: records each INVITE and lets the test answer it. */
export class FakeCore {
  readonly invites: Array<{
    readonly body: string | undefined;
    readonly cancels: string[];
    readonly delegate: Record<string, (response: unknown) => void>;
  }> = [];
  /** Set to make `invite` throw, as sip.js does for a request it cannot send. */
  inviteError: Error | undefined;
  /** Set to make `cancel` throw. */
  cancelError: Error | undefined;
  makeOutgoingRequestMessage(
    _method: string,
    _ruri: unknown,
    _from: unknown,
    _to: unknown,
    _options: unknown,
    _headers: string[],
    body?: { content: string },
  ) {
    return { body: body?.content };
  }
  invite(request: { body: string | undefined }, delegate: Record<string, (response: unknown) => void>) {
    if (this.inviteError) throw this.inviteError;
    const entry = { body: request.body, cancels: [] as string[], delegate };
    this.invites.push(entry);
    return {
      cancel: (reason: string) => {
        if (this.cancelError) throw this.cancelError;
        entry.cancels.push(reason);
      },
    };
  }
}

/** What an incoming INVITE's server transaction was told. */
export interface FakeInvite {
  readonly request: IncomingInviteRequest;
  readonly dialog: FakeDialog;
  readonly responses: Array<{ code: number; headers: string[]; body: string | undefined }>;
  /**
   * Set when the server transaction is gone (a transport error ended it): every response then
   * throws, as sip.js's do outside the Proceeding state. Also set by the first final response.
   */
  gone: boolean;
  /** The caller CANCELs. */
  cancel(reason?: string): void;
}

export function fakeInvite(headers: Record<string, string>, sdp?: string): FakeInvite {
  const dialog = new FakeDialog();
  const responses: FakeInvite["responses"] = [];
  const record = (o: { statusCode: number; extraHeaders?: string[]; body?: { content: string } }) => {
    if (fake.gone) throw new Error(`INVITE not answerable with ${o.statusCode}: the transaction is over`);
    responses.push({ code: o.statusCode, headers: o.extraHeaders ?? [], body: o.body?.content });
    if (o.statusCode >= 200) fake.gone = true;
  };
  const fake: FakeInvite = {
    dialog,
    responses,
    gone: false,
    request: undefined as unknown as IncomingInviteRequest,
    cancel(reason) {
      const cancel = message(reason ? { reason } : {});
      (request.delegate as { onCancel(m: unknown): void } | undefined)?.onCancel(cancel);
    },
  };
  const request = {
    message: {
      ...message(headers, sdp),
      from: { uri: { user: "+34911000002", toString: () => "sip:+34911000002@lab.test" }, displayName: "" },
      parseHeader: () => undefined,
    },
    delegate: undefined,
    trying: () => responses.push({ code: 100, headers: [], body: undefined }),
    progress: (o: Parameters<typeof record>[0]) => {
      record(o);
      return { session: dialog.asSession(), message: `SIP/2.0 ${o.statusCode} Progress\r\n\r\n` };
    },
    accept: (o: Parameters<typeof record>[0]) => {
      record(o);
      return { session: dialog.asSession() };
    },
    reject: (o: Parameters<typeof record>[0]) => record(o),
    transaction: {
      receiveResponse: (code: number) => {
        if (fake.gone) throw new Error(`INVITE server transaction received unexpected ${code} response`);
      },
    },
  } as unknown as IncomingInviteRequest;
  (fake as { request: IncomingInviteRequest }).request = request;
  return fake;
}

/** A call leg context over fakes: events and log lines are collected, ended legs noted. */
export function legContext(
  options: {
    anchor?: MediaAnchor;
    core?: FakeCore;
    inviteTimeoutMs?: number;
    deviceTurnWaitMs?: number;
  } = {},
): CallLegContext & { events: SessionEvent[]; logs: string[]; endedLegs: CallLeg[] } {
  const events: SessionEvent[] = [];
  const logs: string[] = [];
  const endedLegs: CallLeg[] = [];
  return {
    events,
    logs,
    endedLegs,
    core: (options.core ?? new FakeCore()) as unknown as CallLegContext["core"],
    anchor: options.anchor ?? passThroughMediaAnchor,
    sessionExpiresSec: 1800,
    minSeSec: 90,
    sessionTimerScale: 1,
    inviteTimeoutMs: options.inviteTimeoutMs ?? 60_000,
    // Device offers during an exchange wait this long before glare (DEVICE_TURN_WAIT_MS in production).
    deviceTurnWaitMs: options.deviceTurnWaitMs ?? 20,
    emit: (e) => events.push(e),
    bindDialog: () => undefined,
    ended: (leg) => endedLegs.push(leg),
    logger: recordingLogger((r) => logs.push(`${r.level} ${r.message}`)),
  };
}

/** A CallLeg on a FakeDialog: the shared offer/answer and refresh logic without a call direction. */
export class TestLeg extends CallLeg {
  readonly direction = "originating";
  terminate(): void {}
  open(dialog: FakeDialog): void {
    this.adoptSession(dialog.asSession());
  }
  /** Confirmed and Connected on `dialog`, with the SDP `sides`. */
  connect(dialog: FakeDialog, sides: Partial<SdpSides>): void {
    this.assumeStatus("Connected");
    this.sdp.restore(sides);
    this.confirm(dialog.asSession());
  }
  get refresher() {
    return this.timer;
  }
}

/**
 * A TestLeg on a new FakeDialog, confirmed and Connected, the device's SDP and the gateway's on
 * port 40000: the state the unit tests of in-dialog offer/answer start from.
 */
export function connectedTestLeg(ctx: CallLegContext): { leg: TestLeg; dialog: FakeDialog } {
  const dialog = new FakeDialog();
  const leg = new TestLeg("m-1", "r-1", "call-1", "sip:gw@127.0.0.1:5060;transport=tcp", ctx);
  leg.connect(dialog, { device: SDP(40000), local: SDP(40000) });
  return { leg, dialog };
}
