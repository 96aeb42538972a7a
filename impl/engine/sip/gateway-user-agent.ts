import { randomBytes } from "node:crypto";
import type { EngineLogger } from "../engine.ts";
import { assertedIdentity } from "./call/asserted-identity.ts";
import { GatewayUserAgentCore } from "./gateway-user-agent-core.ts";
import type { CredentialLookup } from "./registration/sip-credentials.ts";
import {
  C,
  DigestAuthentication,
  type IncomingInviteRequest,
  IncomingRequestMessage,
  IncomingResponseMessage,
  LoggerFactory,
  type OutgoingRequestMessage,
  URI,
  type UserAgentCore,
  type UserAgentCoreConfiguration,
} from "./sip-core.ts";
import { connectSipCoreLog } from "./sip-core-log.ts";
import { refuseIncoming } from "./sip-request-checks.ts";
import { NodeTransport, type NodeTransportOptions } from "./transport/node-transport.ts";

/** The user part of the gateway's Contact; registrations add `;rid=<registrationId>`. */
export const CONTACT_USER = "gw";

export interface GatewayUserAgentOptions {
  readonly transport: Omit<
    NodeTransportOptions,
    "onMessage" | "onProxyFlowLost" | "onProxyFlowRestored" | "log" | "loggerFactory"
  >;
  readonly domain: string;
  readonly credentials: CredentialLookup;
  /** Out-of-dialog requests to these R-URI users are for us besides the Contact user (trunk mode numbers). */
  readonly acceptsUser: (user: string) => boolean;
  readonly userAgent: string;
  readonly log: (level: "debug" | "info" | "warn" | "error", message: string) => void;
  /** The engine's logger, for sip.js core's own lines (sip-core-log.ts). */
  readonly logger: EngineLogger;
  /** The logger of the call leg or registration using a Call-ID, for the core's lines about it. */
  readonly loggerForCall?: (callId: string) => EngineLogger | undefined;
  onInvite(request: IncomingInviteRequest): void;
  /** An UPDATE (RFC 3311) inside a dialog, which the sip.js core does not know. */
  onUpdate(message: IncomingRequestMessage): void;
  onProxyFlowRestored(): void;
  /**
   * The handler, when there is one (a cluster node), of an in-dialog request (To tag) other than ACK
   * and CANCEL that matches no dialog of the core, before the core would answer 481: true when it
   * took the request (handed back later through {@link GatewayUserAgent.deliver}). None: the core
   * answers as always. Matched requests never reach it.
   */
  unmatchedInDialog?(): ((message: IncomingRequestMessage) => boolean) | undefined;
}

/**
 * One sip.js UserAgentCore for the whole gateway on one Node transport: every registration, every
 * call shares it (and the flow to the outbound proxy). What this adds around the core:
 * - per-subscriber digest credentials, chosen by the request's From user (RFC 3261 §22);
 * - acceptance of requests for the gateway's Contact and, in trunk mode, for routed numbers;
 * - UPDATE routing to the call legs, since the core answers it 405.
 */
export class GatewayUserAgent {
  readonly core: UserAgentCore;
  readonly transport: NodeTransport;
  readonly loggerFactory: LoggerFactory;
  private acceptedRuri: URI | undefined;
  private readonly baseAor: URI;

  constructor(private readonly options: GatewayUserAgentOptions) {
    this.loggerFactory = new LoggerFactory();
    connectSipCoreLog(this.loggerFactory, {
      logger: options.logger,
      core: () => this.core as UserAgentCore | undefined,
      ...(options.loggerForCall ? { loggerForCall: options.loggerForCall } : {}),
    });
    this.transport = new NodeTransport({
      ...options.transport,
      onMessage: (raw, message) => this.receive(raw, message),
      loggerFactory: this.loggerFactory,
      onProxyFlowLost: (error) =>
        options.log("warn", `flow to the outbound proxy lost${error ? `: ${error.message}` : ""}`),
      onProxyFlowRestored: () => options.onProxyFlowRestored(),
      log: (level, message) => options.log(level, message),
    });
    this.baseAor = new URI("sip", CONTACT_USER, options.domain);
    const self = this;
    const loggerFactory = this.loggerFactory;
    const contactUri = () => {
      const { host, port } = this.transport.sentBy;
      return new URI("sip", CONTACT_USER, host, port, { transport: this.transport.uriTransport });
    };
    const configuration: UserAgentCoreConfiguration = {
      // The core accepts out-of-dialog requests whose R-URI user is the AOR's or the Contact's; the
      // AOR is the accepted request's own R-URI while the core handles it (see receive()).
      get aor() {
        return self.acceptedRuri ?? self.baseAor;
      },
      get contact() {
        const uri = contactUri();
        return { pubGruu: undefined, tempGruu: undefined, uri, toString: () => `<${uri.toString()}>` };
      },
      displayName: "",
      loggerFactory,
      hackViaTcp: false,
      routeSet: [],
      sipjsId: randomBytes(4).toString("hex"),
      supportedOptionTags: ["100rel", "timer"],
      supportedOptionTagsResponse: ["100rel", "timer"],
      userAgentHeaderFieldValue: options.userAgent,
      viaForceRport: true,
      // Via sent-by is this transport's real address and port (RFC 3261 §18.1.1), not "*.invalid".
      get viaHost() {
        const { host, port } = self.transport.sentBy;
        return `${host.includes(":") ? `[${host}]` : host}:${port}`;
      },
      authenticationFactory: () => new SubscriberDigest(loggerFactory, options.credentials),
      transportAccessor: () =>
        this.transport as unknown as ReturnType<UserAgentCoreConfiguration["transportAccessor"]>,
    };
    this.core = new GatewayUserAgentCore(configuration, { onInvite: (request) => options.onInvite(request) });
  }

  /** The Contact URI string for a registration. */
  contactFor(registrationId: string): string {
    const { host, port } = this.transport.sentBy;
    return `sip:${CONTACT_USER}@${host}:${port};transport=${this.transport.uriTransport};rid=${registrationId}`;
  }

  async start(): Promise<void> {
    await this.transport.listen();
  }

  async close(): Promise<void> {
    this.core.dispose();
    await this.transport.close();
  }

  /** A message the transport parsed (once: its routing, these checks and the core share the parse). */
  private receive(raw: string, message: IncomingRequestMessage | IncomingResponseMessage): void {
    const { transport, log, userAgent } = this.options;
    if (refuseIncoming(message, raw, transport.transport, this.transport, log, userAgent)) return;
    if (message instanceof IncomingResponseMessage) {
      this.core.receiveIncomingResponseFromTransport(message);
      return;
    }
    if (!(message instanceof IncomingRequestMessage)) return;
    if (message.toTag && message.method !== C.ACK && message.method !== C.CANCEL) {
      const unmatched = this.options.unmatchedInDialog?.();
      if (
        unmatched &&
        !this.core.dialogs.has(message.callId + message.toTag + message.fromTag) &&
        unmatched(message)
      )
        return;
    }
    this.deliver(message);
  }

  /** A checked request to its handler: UPDATE to the call legs, anything else to the core. */
  deliver(message: IncomingRequestMessage): void {
    if (message.method === "UPDATE") {
      this.options.onUpdate(message);
      return;
    }
    const ruriUser = message.ruri?.user;
    const outOfDialog = !message.toTag;
    if (
      outOfDialog &&
      message.method !== C.ACK &&
      ruriUser &&
      ruriUser !== CONTACT_USER &&
      this.options.acceptsUser(ruriUser)
    ) {
      this.acceptedRuri = message.ruri;
    }
    try {
      this.core.receiveIncomingRequestFromTransport(message);
    } finally {
      this.acceptedRuri = undefined;
    }
  }
}

/**
 * The subscriber a request is sent for: the one its From names, or, when From is anonymous
 * (RFC 3323 §4.1.1.3), the one the gateway asserts in P-Asserted-Identity (RFC 3325 §9.1).
 */
function subscriberOf(request: OutgoingRequestMessage): string | undefined {
  const from = request.from.uri;
  if (from.user !== "anonymous" || from.host !== "anonymous.invalid") return from.user;
  const asserted = request.getHeader("P-Asserted-Identity");
  return asserted ? assertedIdentity([asserted])?.uri.user : undefined;
}

/**
 * Digest credentials chosen per request: sip.js asks the configuration for one authenticator per
 * client transaction, and this one looks up the subscriber the request is sent for (subscriberOf).
 */
class SubscriberDigest extends DigestAuthentication {
  private inner: DigestAuthentication | undefined;

  constructor(
    private readonly factory: LoggerFactory,
    private readonly credentials: CredentialLookup,
  ) {
    super(factory, undefined, undefined, undefined);
  }

  override authenticate(request: OutgoingRequestMessage, challenge: unknown, body?: string): boolean {
    const user = subscriberOf(request);
    const found = user ? this.credentials(user) : undefined;
    if (!found) return false;
    this.inner ??= new DigestAuthentication(this.factory, undefined, found.username, found.password);
    return this.inner.authenticate(request, challenge, body);
  }

  override toString(): string {
    return this.inner?.toString() ?? "";
  }
}
