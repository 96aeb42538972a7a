import type { EngineLogger } from "../engine.ts";
import { C, Levels, type LoggerFactory, type UserAgentCore } from "./sip-core.ts";

/** The methods a client transaction's user agent is keyed by in the core (transaction id + method). */
const METHODS = [
  C.INVITE,
  C.ACK,
  C.BYE,
  C.CANCEL,
  C.PRACK,
  C.UPDATE,
  C.REGISTER,
  C.OPTIONS,
  C.INFO,
  C.MESSAGE,
];

/**
 * The level of a sip.js core line in our log. sip.js writes at error and warn what the network or a
 * peer did (a malformed or dropped message, a transport failure, an ACK that never came), never a
 * fault of ours (those throw): warn at most. Its `log` and `debug` lines (dialogs made and destroyed,
 * requests sent, transaction states and timers) are debug.
 */
export function sipCoreLogLevel(level: string): "warn" | "debug" {
  return level === "error" || level === "warn" ? "warn" : "debug";
}

/**
 * What a sip.js core line is about: a transaction (sip.js labels its transactions' lines with their
 * id, the branch) or a dialog (its dialog lines start "INVITE dialog <id>", the id being Call-ID,
 * local tag and remote tag run together).
 */
export function sipCoreSubject(
  label: string | undefined,
  content: unknown,
): { readonly transactionId?: string; readonly dialogId?: string } {
  if (label) return { transactionId: label };
  const dialog = typeof content === "string" ? /^(?:INVITE|SUBSCRIBE) dialog (\S+)/.exec(content) : null;
  return dialog?.[1] ? { dialogId: dialog[1] } : {};
}

/** The Call-ID of the transaction or dialog a line names, while the core still holds it. */
export function callIdInCore(
  core: UserAgentCore,
  subject: ReturnType<typeof sipCoreSubject>,
): string | undefined {
  if (subject.dialogId) return core.dialogs.get(subject.dialogId)?.callId;
  const id = subject.transactionId;
  if (!id) return undefined;
  const server = core.userAgentServers.get(id);
  if (server) return server.message.callId;
  for (const method of METHODS) {
    const client = core.userAgentClients.get(id + method);
    if (client) return client.message.callId;
  }
  return undefined;
}

export interface SipCoreLogOptions {
  /** The engine's logger; a line no call or registration claims is written through it. */
  readonly logger: EngineLogger;
  /** The core, once made (lines written while it is being built name nothing it holds yet). */
  readonly core: () => UserAgentCore | undefined;
  /** The logger of the call leg or registration using this Call-ID, bound to its correlator. */
  readonly loggerForCall?: (callId: string) => EngineLogger | undefined;
}

/**
 * Routes sip.js core's own log lines (its LoggerFactory's connector: level, category, label,
 * content) into the engine's structured logger. Each line is bound to `category` (sip.js's logger,
 * e.g. sip.transaction.ict, sip.invite-dialog, sip.parser) and, where it names a transaction
 * (`transactionId`, the branch) or a dialog that belongs to a call leg or registration, is written
 * through that leg's or registration's logger, so it carries `{correlator, mediaSessionId |
 * registrationId, callId}`; a Call-ID no leg claims (any more) is bound as `callId`.
 */
export function connectSipCoreLog(factory: LoggerFactory, options: SipCoreLogOptions): void {
  const { logger } = options;
  factory.builtinEnabled = false;
  // sip.js labels a transaction's lines with its id only at its debug level; what is written is
  // decided here, by the engine logger's level.
  factory.level = Levels.debug;
  factory.connector = (level: string, category: string, label: string | undefined, content: unknown) => {
    const target = sipCoreLogLevel(level);
    if (logger.isLevelEnabled && !logger.isLevelEnabled(target)) return;
    const subject = sipCoreSubject(label, content);
    const core = options.core();
    const callId = core ? callIdInCore(core, subject) : undefined;
    const owner = callId ? options.loggerForCall?.(callId) : undefined;
    const bindings: Record<string, string> = { category };
    if (subject.transactionId) bindings.transactionId = subject.transactionId;
    if (callId && !owner) bindings.callId = callId;
    (owner ?? logger).child(bindings)[target](content instanceof Error ? content.message : String(content));
  };
}
