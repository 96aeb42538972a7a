import type { DialogStateStore } from "../dialog-state-store.ts";
import {
  type Engine,
  type EngineListener,
  type EngineLogger,
  type OriginateRequest,
  type SessionUpdateRequest,
  silentLogger,
  type UnfinishedSession,
} from "../engine.ts";
import { EngineError } from "../engine-error.ts";
import { type MediaAnchor, passThroughMediaAnchor } from "../media-anchor.ts";
import type { CallLeg, CallLegContext } from "./call/call-leg.ts";
import type { UntrustedPaiPolicy } from "./call/caller-identity.ts";
import { applyDeviceUpdate } from "./call/device-update.ts";
import { type DialogPersistence, persistDialogs } from "./call/dialog-persistence.ts";
import { offerIncomingInvite } from "./call/incoming-invite.ts";
import { originateCall } from "./call/originate-call.ts";
import { recoverDialog } from "./call/recover-dialog.ts";
import { GatewayUserAgent, type GatewayUserAgentOptions } from "./gateway-user-agent.ts";
import { incomingInviteHost } from "./incoming-invite-host.ts";
import type { CredentialLookup } from "./registration/sip-credentials.ts";
import { SipRegistrations } from "./registration/sip-registrations.ts";
import { withSdpVersioning } from "./sdp/sdp-versioning.ts";
import type { IncomingRequestMessage, UserAgentCore } from "./sip-core.ts";
import type { NodeTransportOptions, SipTransportName } from "./transport/node-transport.ts";
import { unmatchedDialogRequests } from "./unmatched-dialog-requests.ts";

export interface SipEngineOptions {
  readonly transport: SipTransportName;
  /** Address the gateway binds and announces (Via, Contact). */
  readonly localHost: string;
  /** 0 = any free port. */
  readonly localPort: number;
  readonly outboundProxy: { readonly host: string; readonly port: number; readonly path?: string };
  /** Further targets of the proxy, RFC 3263 order (impl/engine/sip/locate): tried when one fails. */
  readonly outboundProxyAlternates?: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  /** The name the proxy's TLS certificate must carry when it was located through DNS (RFC 5922 §4.1). */
  readonly tlsServerName?: string;
  readonly domain: string;
  readonly registrationMode: "per-number" | "trunk";
  readonly credentials: CredentialLookup;
  /** Expires asked of the registrar, seconds (default 600). */
  readonly registerExpiresSec?: number;
  /** RFC 4028 Session-Expires we ask for, seconds (default 1800), and our Min-SE (default 90). */
  readonly sessionExpiresSec?: number;
  readonly minSeSec?: number;
  /**
   * The gateway's no-answer timer, ms (default 60 000): an outgoing INVITE without a final response
   * by then is cancelled and the session ends NoAnswer.
   */
  readonly inviteTimeoutMs?: number;
  /**
   * Test hook, default 1: multiplies every session-timer delay so that a refresh or an expiry can be
   * watched within seconds. The Session-Expires values on the wire are unchanged.
   */
  readonly sessionTimerScale?: number;
  /** Media anchor hook; default pass-through. */
  readonly mediaAnchor?: MediaAnchor;
  /**
   * SIP over TLS (transport "tls"): `ca` (PEM) replaces Node's trust store for the proxy's certificate,
   * which must name the proxy host; `rejectUnauthorized` defaults to true. The gateway is a TLS client
   * only: requests for it come back over its connection to the proxy.
   */
  readonly tls?: { readonly ca?: string; readonly rejectUnauthorized?: boolean };
  /** Each registration and call leg logs through a child of it (see EngineLogger); default silent. */
  readonly logger?: EngineLogger;
  /**
   * TLS: the gateway's own listener (certificate, key, optional client CA, port; see NodeTransport),
   * which Via and Contact then name instead of the connection to the proxy.
   */
  readonly tlsListener?: NodeTransportOptions["tlsListener"];
  /**
   * The trust domain (RFC 3325 §2.3): source addresses and CIDR subnets whose P-Asserted-Identity
   * and Privacy are honoured. Default: the outbound proxy's address and its alternates'.
   */
  readonly trustedPeers?: readonly string[];
  /** A P-Asserted-Identity from any other source: `strip` (default, From names the caller) or `refuse` (403). */
  readonly untrustedPai?: UntrustedPaiPolicy;
  /**
   * Where each call leg's dialog state is written on every change, so that a restarted gateway
   * carries answered calls on (Engine.recoverSession). Absent: calls die with the process.
   */
  readonly dialogs?: DialogStateStore;
  /**
   * Whether emergency originates are placed (default true; EMERGENCY_CALLS): when false they are
   * refused with EngineError `not_supported` and `Engine.emergencyCalls` is false.
   */
  readonly emergencyCalls?: boolean;
}

/** A started SIP engine: its factory for createGateway, and hooks for fault tests. */
export interface StartedSipEngine {
  readonly factory: (listener: EngineListener) => Engine;
  /** host:port the gateway announces in Via and Contact: its listener, or (TLS, WS) its connection to the proxy. */
  readonly local: { readonly host: string; readonly port: number };
  /** Closes the flow to the outbound proxy as a network fault would. */
  dropProxyFlow(): void;
}

/**
 * The SIP engine: one sip.js UserAgentCore on one Node transport, REGISTER per CAMARA registration
 * (or trunk mode), and a call leg per media session. Binds its transport before it is handed to
 * createGateway, so the gateway never starts without its SIP side.
 */
export async function startSipEngine(options: SipEngineOptions): Promise<StartedSipEngine> {
  const logger = options.logger ?? silentLogger;
  const log = (level: "debug" | "info" | "warn" | "error", message: string) => logger[level](message);
  let listener: EngineListener | undefined;
  const currentListener = () => {
    if (!listener) throw new Error("SIP engine used before createGateway wired it");
    return listener;
  };
  const legs = new Map<string, CallLeg>();
  const byDialog = new Map<string, CallLeg>();
  let registrations: SipRegistrations | undefined;
  const emergencyCalls = options.emergencyCalls ?? true;

  const persistence = options.dialogs ? persistDialogs(options.dialogs, logger) : undefined;
  const anchor = withSdpVersioning(options.mediaAnchor ?? passThroughMediaAnchor);
  const ctx = callLegContext(
    options,
    logger,
    currentListener,
    { legs, byDialog, persistence, anchor },
    () => ua.core,
  );

  const inviteHost = incomingInviteHost(options, {
    ctx,
    legs,
    listener: currentListener,
    registrations: () => regs,
    ua: () => ua,
  });

  const ua: GatewayUserAgent = new GatewayUserAgent({
    transport: transportOptions(options),
    domain: options.domain,
    credentials: options.credentials,
    acceptsUser: (user) =>
      options.registrationMode === "trunk" && registrations?.latestFor(user) !== undefined,
    userAgent: "camara-webrtc-gateway",
    log,
    logger,
    loggerForCall: (callId) => loggerForCall(callId, legs, registrations),
    onInvite: (request) => void offerIncomingInvite(inviteHost, request),
    onUpdate: (message) => onUpdate(message),
    onProxyFlowRestored: () => registrations?.reRegisterAll(),
    unmatchedInDialog: () => unmatched?.handler(),
  });
  const unmatched = unmatchedRequests(options.dialogs, () => listener, ua, logger);
  await ua.start();
  registrations = new SipRegistrations(
    ua,
    {
      mode: options.registrationMode,
      domain: options.domain,
      registerExpiresSec: options.registerExpiresSec ?? 600,
      logger,
    },
    currentListener,
  );
  const regs = registrations;

  const onUpdate = (message: IncomingRequestMessage) => updateInDialog(byDialog, ua, message);

  function originate(request: OriginateRequest): Promise<void> {
    return originateCall(
      {
        ctx,
        legs,
        domain: options.domain,
        ensureConnected: () => ua.transport.ensureConnected(),
        contactFor: (id) => ua.contactFor(id),
        emergencyCalls,
      },
      request,
    );
  }

  return {
    get local() {
      return ua.transport.sentBy;
    },
    dropProxyFlow: () => ua.transport.dropProxyFlow(),
    factory(l) {
      listener = l;
      return {
        registrations: regs,
        emergencyCalls,
        calls: {
          originate,
          update: (request: SessionUpdateRequest) =>
            applyDeviceUpdate(liveLeg(legs, request.mediaSessionId), request),
          terminate: async ({ mediaSessionId }) => terminateLeg(legs.get(mediaSessionId)),
        },
        ...recoverSessionHook(options.dialogs, { ctx, ua, persistence, legs, anchor }),
        leaveCalls: () => leaveCalls(legs, byDialog),
        ready: () => ua.transport.connected || options.transport !== "udp",
        async close() {
          for (const call of [...legs.values()]) terminateAtShutdown(call);
          regs.close();
          await ua.close();
        },
      };
    },
  };
}

/** An UPDATE (RFC 3311) goes to its dialog's leg; one for no live dialog gets 481. */
function updateInDialog(
  byDialog: ReadonlyMap<string, CallLeg>,
  ua: GatewayUserAgent,
  message: IncomingRequestMessage,
): void {
  const leg = byDialog.get(message.callId + message.toTag + message.fromTag);
  if (!leg || leg.terminated) {
    ua.core.replyStateless(message, { statusCode: 481 });
    return;
  }
  leg.onUpdate(message);
}

/** In a cluster, an in-dialog request for a call another node carried (README "Running several gateways"). */
function unmatchedRequests(
  dialogs: SipEngineOptions["dialogs"],
  listener: () => EngineListener | undefined,
  ua: GatewayUserAgent,
  logger: EngineLogger,
) {
  if (!dialogs) return undefined;
  return unmatchedDialogRequests({
    dialogs,
    carryDialog: () => {
      const l = listener();
      return l?.carryDialog?.bind(l);
    },
    deliver: (message) => ua.deliver(message),
    refuse: (message, retryAfterSec) =>
      ua.core.replyStateless(message, { statusCode: 500, extraHeaders: [`Retry-After: ${retryAfterSec}`] }),
    logger,
  });
}

/** Engine.leaveCalls: a cluster node hands its calls over without a BYE. */
async function leaveCalls(legs: Map<string, CallLeg>, byDialog: Map<string, CallLeg>): Promise<void> {
  // The changes of this turn are written first (dialog-persistence.ts skips ended legs).
  await new Promise((resolve) => setImmediate(resolve));
  for (const leg of legs.values()) leg.leave();
  legs.clear();
  byDialog.clear();
}

/** Engine.recoverSession when dialog state is stored (a restarted gateway carries answered calls on). */
function recoverSessionHook(
  dialogs: DialogStateStore | undefined,
  parts: {
    readonly ctx: CallLegContext;
    readonly ua: GatewayUserAgent;
    readonly persistence: DialogPersistence | undefined;
    readonly legs: Map<string, CallLeg>;
    readonly anchor: ReturnType<typeof withSdpVersioning>;
  },
): Pick<Engine, "recoverSession"> | Record<string, never> {
  if (!dialogs) return {};
  const { ctx, ua, persistence, legs, anchor } = parts;
  return {
    recoverSession: (session: UnfinishedSession) =>
      recoverDialog(
        {
          ctx,
          loggerFactory: ua.loggerFactory,
          store: dialogs,
          persistence: persistence as DialogPersistence,
          legs,
          contactFor: (id) => ua.contactFor(id),
          rememberSentSdp: (callId, sdp) => anchor.remember(callId, sdp),
        },
        session,
      ),
  };
}

/** The transport's options: the engine's, less what the user agent adds. */
function transportOptions(options: SipEngineOptions): GatewayUserAgentOptions["transport"] {
  return {
    transport: options.transport,
    localHost: options.localHost,
    localPort: options.localPort,
    proxy: options.outboundProxy,
    ...(options.outboundProxyAlternates ? { alternates: options.outboundProxyAlternates } : {}),
    ...(options.tlsServerName ? { tlsServerName: options.tlsServerName } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.tlsListener ? { tlsListener: options.tlsListener } : {}),
  };
}

/** The call leg of a media session the device changes; an unknown or ended one is unknown_session. */
function liveLeg(legs: ReadonlyMap<string, CallLeg>, mediaSessionId: string): CallLeg {
  const found = legs.get(mediaSessionId);
  if (!found || found.terminated)
    throw new EngineError("unknown_session", `no call leg for ${mediaSessionId}`);
  return found;
}

/** What every call leg shares: the core, the media anchor, the timers, the listener and the logger. */
function callLegContext(
  options: SipEngineOptions,
  logger: EngineLogger,
  listener: () => EngineListener,
  state: {
    readonly legs: Map<string, CallLeg>;
    readonly byDialog: Map<string, CallLeg>;
    readonly persistence: DialogPersistence | undefined;
    readonly anchor: CallLegContext["anchor"];
  },
  core: () => UserAgentCore,
): CallLegContext {
  const { legs, byDialog, persistence } = state;
  return {
    get core() {
      return core();
    },
    // RFC 3264 §8 origin versions towards the network, whatever the anchor does with them.
    anchor: state.anchor,
    sessionExpiresSec: options.sessionExpiresSec ?? 1800,
    minSeSec: options.minSeSec ?? 90,
    sessionTimerScale: options.sessionTimerScale ?? 1,
    inviteTimeoutMs: options.inviteTimeoutMs ?? 60_000,
    emit: (event, correlator) =>
      void listener()
        .sessionChanged({ ...event, correlator })
        .catch((error: unknown) =>
          logger
            .child({ correlator, mediaSessionId: event.mediaSessionId })
            .error(`sessionChanged failed: ${String(error)}`),
        ),
    bindDialog: (id, leg) => byDialog.set(id, leg),
    ...(persistence ? { dialogChanged: (leg: CallLeg) => persistence.changed(leg) } : {}),
    ended: (leg) => {
      persistence?.ended(leg);
      legs.delete(leg.mediaSessionId);
      for (const [id, l] of byDialog) if (l === leg) byDialog.delete(id);
    },
    logger,
  };
}

/** The logger of the call leg, else the registration, whose requests carry this Call-ID. */
function loggerForCall(
  callId: string,
  legs: ReadonlyMap<string, CallLeg>,
  registrations: SipRegistrations | undefined,
): EngineLogger | undefined {
  for (const leg of legs.values()) if (leg.callId === callId) return leg.logger;
  for (const binding of registrations?.bindings.values() ?? [])
    if (binding.callId === callId) return binding.logger;
  return undefined;
}

/** Ends a call at shutdown, best effort. */
function terminateAtShutdown(call: CallLeg): void {
  try {
    call.terminate();
  } catch {
    // best effort at shutdown
  }
}

/** DELETE of a session: CANCEL, 603 or BYE by the leg's state; unknown or ended ids resolve. */
function terminateLeg(call: CallLeg | undefined): void {
  if (call && !call.terminated) call.terminate();
}
