import {
  C,
  Grammar,
  IncomingRequestMessage,
  type LoggerFactory,
  NonInviteClientTransaction,
  Parser,
  URI,
  UserAgentClient,
  type UserAgentCore,
} from "../sip-core.ts";
import { ackCancelledInvite } from "./ack-cancelled-invite.ts";
import type { PendingInvite, UnansweredInvite } from "./dialog-state.ts";

const uri = (text: string): URI => {
  const parsed = Grammar.URIParse(text);
  if (!(parsed instanceof URI)) throw new Error(`not a SIP URI: ${text}`);
  return parsed;
};

/**
 * CANCEL of an outgoing INVITE whose client transaction died with the previous process (RFC 3261
 * §9.1): "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the
 * CANCEL request MUST be identical to those in the request being cancelled, including tags. A
 * CANCEL constructed by a client MUST have only a single Via header field value matching the top
 * Via value in the request being cancelled": the INVITE's branch, and the same sent-by, which a
 * fixed SIP port keeps. It is persisted only once a provisional response arrived ("If no
 * provisional response has been received, the CANCEL request MUST NOT be sent"). The INVITE's final
 * response (487) is ACKed in place of its lost client transaction (ack-cancelled-invite.ts).
 */
export function cancelPendingInvite(
  core: UserAgentCore,
  callId: string,
  invite: PendingInvite,
  reason: string,
  log: { warn(message: string): void },
): void {
  const message = core.makeOutgoingRequestMessage(
    C.CANCEL,
    uri(invite.ruri),
    uri(invite.fromUri),
    uri(invite.toUri),
    { callId, fromTag: invite.fromTag, cseq: invite.cseq },
    [`Reason: ${reason}`],
  );
  message.branch = invite.branch;
  // The transaction writes the Via (the INVITE's branch) the ACK copies.
  new UserAgentClient(NonInviteClientTransaction, core, message);
  ackCancelledInvite(core, message, log);
}

/**
 * A final response to an incoming INVITE whose server transaction died with the previous process,
 * sent statelessly from the INVITE as received (its Via, From, To, Call-ID, CSeq), with the To tag
 * of the early dialog when a provisional response made one. RFC 3261 §15: the callee "MUST NOT send
 * a BYE on early dialogs"; a final response ends the attempt.
 */
export function rejectUnansweredInvite(
  core: UserAgentCore,
  loggerFactory: LoggerFactory,
  invite: UnansweredInvite,
  response: { statusCode: number; reasonPhrase: string; reason: string },
): void {
  const message = Parser.parseMessage(invite.raw, loggerFactory.getLogger("sip.parser"));
  if (!(message instanceof IncomingRequestMessage) || message.method !== C.INVITE)
    throw new Error("the persisted INVITE does not parse");
  core.replyStateless(message, {
    statusCode: response.statusCode,
    reasonPhrase: response.reasonPhrase,
    ...(invite.toTag ? { toTag: invite.toTag } : {}),
    extraHeaders: [`Reason: ${response.reason}`],
  });
}
