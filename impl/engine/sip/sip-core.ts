/**
 * The only module that imports sip.js: re-exports the pieces of its core layer (UserAgentCore,
 * transactions, dialogs, parser) that impl/engine/sip builds on, so the dependency is in one place.
 */
import type { IncomingInviteRequest, UserAgentServer } from "sip.js/lib/core/index.js";

export {
  type Body,
  C,
  DigestAuthentication,
  type IncomingInviteRequest,
  type IncomingPrackRequest,
  IncomingRequestMessage,
  type IncomingResponse,
  IncomingResponseMessage,
  Levels,
  type Logger,
  LoggerFactory,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  type OutgoingInviteRequest,
  OutgoingRequestMessage,
  Parser,
  type Session,
  SessionDialog,
  Timers,
  UserAgentClient,
  UserAgentCore,
  type UserAgentCoreConfiguration,
  UserAgentServer,
} from "sip.js/lib/core/index.js";
export { AllowedMethods } from "sip.js/lib/core/user-agent-core/allowed-methods.js";
export { Grammar, NameAddrHeader, URI } from "sip.js/lib/grammar/index.js";

/**
 * Hands a response of ours to the INVITE's server transaction again (RFC 3262 §3: a reliable
 * provisional response is retransmitted until its PRACK). sip.js's IncomingInviteRequest is its
 * InviteUserAgentServer, whose `transaction` is public on UserAgentServer but not on the interface.
 */
export function resendOnInviteTransaction(
  invite: IncomingInviteRequest,
  statusCode: number,
  message: string,
): void {
  (invite as IncomingInviteRequest & Pick<UserAgentServer, "transaction">).transaction.receiveResponse(
    statusCode,
    message,
  );
}
