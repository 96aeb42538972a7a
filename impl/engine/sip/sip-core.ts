/**
 * The only module that imports sip.js: re-exports the pieces of its core layer (UserAgentCore,
 * transactions, dialogs, parser) that impl/engine/sip builds on, so the dependency is in one place.
 */
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
  LoggerFactory,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  type OutgoingInviteRequest,
  OutgoingRequestMessage,
  Parser,
  type Session,
  SessionDialog,
  UserAgentClient,
  UserAgentCore,
  type UserAgentCoreConfiguration,
  UserAgentServer,
} from "sip.js/lib/core/index.js";
export { AllowedMethods } from "sip.js/lib/core/user-agent-core/allowed-methods.js";
export { Grammar, NameAddrHeader, URI } from "sip.js/lib/grammar/index.js";
