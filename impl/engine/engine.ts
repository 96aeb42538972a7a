import type { components } from "../../generated/r2.2/webrtc-call-handling/types.ts";

/**
 * What the services ask of the network. The SIP engine (impl/engine/sip) implements these; the
 * services never see SIP. Every request carries the x-correlator of the API call that caused it.
 */
export type SessionStatus = components["schemas"]["SessionStatus"];

/**
 * A structured logger (pino's Logger is one): every line of a child carries its bindings. Each
 * registration and call leg logs through a child bound to `{correlator, registrationId |
 * mediaSessionId, callId}`.
 */
export interface EngineLogger {
  child(bindings: Readonly<Record<string, string>>): EngineLogger;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Whether a line at this level would be written (pino's); absent = every level is. */
  isLevelEnabled?(level: string): boolean;
}

/** Logs nothing. */
export const silentLogger: EngineLogger = {
  child: () => silentLogger,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  isLevelEnabled: () => false,
};

export interface RegisterRequest {
  readonly registrationId: string;
  readonly phoneNumber: string;
  readonly deviceId: string;
  readonly expiresAt: Date;
  readonly correlator: string;
}

export interface RegistrationEngine {
  /** Registers the subscriber with the network (SIP REGISTER), or nothing in trunk mode. */
  register(request: RegisterRequest): Promise<void>;
  /** Refreshes a registration (re-REGISTER) to the new expiry. */
  refresh(request: RegisterRequest): Promise<void>;
  /** Ends a registration (REGISTER Expires: 0). Unknown ids resolve without error. */
  unregister(request: { registrationId: string; phoneNumber: string; correlator: string }): Promise<void>;
}

export interface OriginateRequest {
  readonly mediaSessionId: string;
  readonly registrationId: string;
  readonly originatorAddress: string;
  readonly receiverAddress: string;
  readonly originatorName: string | undefined;
  /** SDP offer from the device; absent for an offerless INVITE. */
  readonly offerSdp: string | undefined;
  readonly correlator: string;
  /**
   * An emergency call (CAMARA r3.1 `callType: EMERGENCY`): the INVITE goes to `urn:service:sos`
   * (RFC 5031) and carries the device's location, when given, per RFC 6442 (PIDF-LO, RFC 5491).
   * Absent: a regular call.
   */
  readonly emergency?: { readonly location: DeviceLocation | undefined };
  /**
   * The caller asked not to be identified (r3.1 `sip:anonymous@anonymous.invalid`): `From` is
   * anonymous, `Privacy: id` and the asserted identity is kept for the trust domain (RFC 3323,
   * RFC 3325).
   */
  readonly anonymous?: boolean;
}

/**
 * A device's position as the network is told it (CAMARA r3.1 `LocationDetails`, carried as an
 * RFC 5491 PIDF-LO shape). Lengths in metres, angles in degrees, WGS 84.
 */
export type DeviceLocation = {
  readonly method?: "GPS" | "DBH" | "DBH_HELO" | "Other";
  readonly confidence?: { readonly pdf?: "normal" | "uniform"; readonly percent?: number };
  /** When the location was calculated; absent: when the call is placed. */
  readonly timestamp?: string;
} & (
  | {
      readonly shape: "Circle";
      readonly latitude: number;
      readonly longitude: number;
      readonly radiusM: number;
    }
  | {
      readonly shape: "Ellipsoid";
      readonly latitude: number;
      readonly longitude: number;
      readonly altitudeM: number | undefined;
      readonly semiMajorAxisM: number;
      readonly semiMinorAxisM: number;
      readonly verticalAxisM: number;
      readonly orientationDeg: number;
    }
);

/** A PUT on .../status translated for the network: the target status and any SDP it carries. */
export interface SessionUpdateRequest {
  readonly mediaSessionId: string;
  readonly status: SessionStatus;
  readonly offerSdp: string | undefined;
  readonly answerSdp: string | undefined;
  readonly correlator: string;
}

export interface CallEngine {
  /** Starts an outgoing call (INVITE). Progress arrives later through {@link EngineListener}. */
  originate(request: OriginateRequest): Promise<void>;
  /** Applies a device-side change: 183/180/200 for incoming calls, UPDATE/re-INVITE, hold/resume. */
  update(request: SessionUpdateRequest): Promise<void>;
  /** Ends a session: CANCEL, 603 Decline or BYE depending on its state. Unknown ids resolve. */
  terminate(request: { mediaSessionId: string; correlator: string }): Promise<void>;
}

/** A change in a session reported by the network. */
export interface SessionEvent {
  readonly mediaSessionId: string;
  readonly status: SessionStatus;
  readonly offerSdp?: string;
  readonly answerSdp?: string;
  readonly offerRequired?: boolean;
  /** What happened, e.g. `183 Session Progress` or `BYE`. */
  readonly reason: string;
  /**
   * The x-correlator of the request that created the session (POST /sessions), or the one the engine
   * gave an incoming call: what the network causes for a session carries the correlator it began with.
   */
  readonly correlator?: string;
}

export interface IncomingCall {
  readonly mediaSessionId: string;
  readonly registrationId: string;
  readonly originatorAddress: string;
  readonly originatorName: string | undefined;
  readonly receiverAddress: string;
  readonly offerSdp: string | undefined;
  /** A correlator the engine made for the incoming INVITE; the session's events carry it. */
  readonly correlator?: string;
}

/** What the engine tells the services. */
export interface EngineListener {
  sessionChanged(event: SessionEvent): Promise<void>;
  incomingCall(call: IncomingCall): Promise<void>;
  registrationEnded(ended: {
    registrationId: string;
    reason: "NETWORK_TERMINATED" | "REGISTRATION_EXPIRED";
    description: string;
    /** The x-correlator of the request that created the registration. */
    correlator?: string;
  }): Promise<void>;
  /**
   * In a cluster (impl/cluster): an in-dialog request from the network reached this node for the
   * call of this session, whose dialog it does not carry (its node died, README "Running several
   * gateways"). `here`: this node carries the call now (taken over) or nobody does, so the request
   * is processed here; `elsewhere`: a live node carries it, the request is refused for a retry
   * (500 with Retry-After, never 481, which would end the call at the peer). Absent (one gateway):
   * the request is answered as any request for an unknown dialog.
   */
  carryDialog?(mediaSessionId: string): Promise<"here" | "elsewhere">;
}

/** A session the store holds in a non-terminal status when the gateway starts. */
export interface UnfinishedSession {
  readonly mediaSessionId: string;
  readonly registrationId: string;
  readonly direction: "originating" | "terminating";
  readonly status: SessionStatus;
}

/**
 * What an engine makes of an {@link UnfinishedSession} at start-up: it still carries the call
 * (`resumed`, e.g. from persisted dialog state), or the session ended with this status.
 */
export type SessionRecovery =
  | { readonly kind: "resumed" }
  | { readonly kind: "ended"; readonly status: SessionStatus; readonly reason: string };

export interface Engine {
  readonly registrations: RegistrationEngine;
  readonly calls: CallEngine;
  /**
   * Start-up reconciliation's seam (impl/services/restart-reconciliation.ts), asked once per
   * unfinished session before the engine serves it. Absent, or resolving undefined: the engine holds
   * nothing for the session, whose call leg died with the previous process.
   */
  recoverSession?(session: UnfinishedSession): Promise<SessionRecovery | undefined>;
  /**
   * Whether the engine places emergency calls (operator configuration); when false, an emergency
   * originate is refused by the services (r3.1: 501 CALLTYPE_EMERGENCY_NOT_SUPPORTED).
   */
  readonly emergencyCalls?: boolean;
  /**
   * A cluster node's graceful stop (impl/cluster), before close: every call leg is left as it is to
   * the node taking it over, nothing sent to the network, its media anchor call and its persisted
   * dialog state kept (close would end the calls).
   */
  leaveCalls?(): Promise<void>;
  /** Whether the engine can serve requests (for /readyz). */
  ready(): boolean;
  close(): Promise<void>;
}
