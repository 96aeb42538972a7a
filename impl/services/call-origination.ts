import {
  ApiError,
  addressMatchesPhone,
  type RequestContext,
  requirePhoneNumber,
  telUri,
} from "camara-webrtc-runtime";
import type { CallEngine } from "../engine/engine.ts";
import type { LocationDetails, MediaSessionInformation, SessionRecord, Store } from "../store/index.ts";
import type { Clock, IdGenerator } from "./clock.ts";
import { toDeviceLocation } from "./device-location.ts";
import type { RegistrationService } from "./registration-service.ts";
import { toApiError } from "./to-api-error.ts";

/** A call a client asks to place, in any release (r2.2 MediaSessionInformation, r3.1 MediaSessionCreate). */
export interface NewCall {
  readonly receiverAddress: string;
  readonly originatorAddress?: string | undefined;
  readonly originatorName?: string | undefined;
  readonly receiverName?: string | undefined;
  readonly offer?: { readonly sdp?: string | undefined } | undefined;
  readonly callType?: "REGULAR" | "EMERGENCY" | undefined;
  readonly locationDetails?: LocationDetails | undefined;
}

/** r3.1: "sip:anonymous@anonymous.invalid" as originatorAddress asks that the caller not be identified (RFC 3323). */
export const ANONYMOUS_ADDRESS = "sip:anonymous@anonymous.invalid";

/** RFC 5031 §4.2: "urn:service:sos" and its sub-services designate emergency services. */
const isEmergencyUrn = (address: string) => /^urn:service:sos(\.|$)/.test(address);

export interface CallOriginationDeps {
  readonly store: Store;
  readonly engine: Pick<CallEngine, "originate">;
  readonly registrations: RegistrationService;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** Whether the engine places emergency calls (Engine.emergencyCalls); default: it does not. */
  readonly emergencyCalls?: () => boolean;
}

/**
 * Placing an outgoing call, for every release: `admit` checks what every release checks (identity,
 * emergency support, registration), `place` stores the session and asks the engine for the INVITE.
 * The call service owns the session record; this is its origination step.
 */
export function createCallOrigination(deps: CallOriginationDeps) {
  const { store, engine, clock } = deps;
  const noRegistration = () =>
    ApiError.invalidArgument(
      "The registrationId header does not identify an active registration of this subscriber.",
    );

  /** What every release checks before a call is placed: identity, emergency support, registration. */
  async function admit(
    ctx: RequestContext,
    registrationId: string,
    call: NewCall,
    anonymousAllowed: boolean,
  ) {
    const phone = requirePhoneNumber(ctx);
    const anonymous = anonymousAllowed && call.originatorAddress === ANONYMOUS_ADDRESS;
    if (call.originatorAddress && !anonymous && !addressMatchesPhone(call.originatorAddress, phone)) {
      throw new ApiError("INVALID_TOKEN_CONTEXT", "originatorAddress is not consistent with access token.");
    }
    const emergency = call.callType === "EMERGENCY" || isEmergencyUrn(call.receiverAddress);
    if (emergency && !(deps.emergencyCalls?.() ?? false)) {
      throw new ApiError(
        "CALLTYPE_EMERGENCY_NOT_SUPPORTED",
        "This operator does not place emergency calls through this API; call the emergency services by other means.",
      );
    }
    const location = emergency ? toDeviceLocation(call.locationDetails) : undefined;
    const registration = await deps.registrations.findOwned(ctx, registrationId);
    if (!registration) throw noRegistration();
    return { phone, anonymous, emergency, location, deviceId: registration.deviceId };
  }

  /** Stores a new originating session and asks the engine to place it. */
  async function place(
    ctx: RequestContext,
    registrationId: string,
    call: NewCall,
    admitted: Awaited<ReturnType<typeof admit>>,
    extra: Partial<MediaSessionInformation>,
  ): Promise<MediaSessionInformation> {
    const { phone, anonymous, emergency, location, deviceId } = admitted;
    const now = clock.now().toISOString();
    const mediaSessionId = deps.newId();
    const info: MediaSessionInformation = {
      ...extra,
      ...(call.originatorName !== undefined ? { originatorName: call.originatorName } : {}),
      ...(call.receiverName !== undefined ? { receiverName: call.receiverName } : {}),
      ...(call.offer !== undefined ? { offer: call.offer } : {}),
      ...(call.locationDetails !== undefined ? { locationDetails: call.locationDetails } : {}),
      ...(call.callType !== undefined || emergency ? { callType: emergency ? "EMERGENCY" : "REGULAR" } : {}),
      receiverAddress: call.receiverAddress,
      originatorAddress: call.originatorAddress ?? telUri(phone),
      mediaSessionId,
      status: "Initial",
    };
    const record: SessionRecord = {
      mediaSessionId,
      owner: phone,
      registrationId,
      deviceId,
      direction: "originating",
      info,
      createdAt: now,
      updatedAt: now,
    };
    await store.sessions.put(record);
    try {
      await engine.originate({
        mediaSessionId,
        registrationId,
        // The subscriber's own identity: the engine hides it from the callee when anonymous.
        originatorAddress: anonymous ? telUri(phone) : (info.originatorAddress ?? telUri(phone)),
        receiverAddress: call.receiverAddress,
        originatorName: anonymous ? undefined : call.originatorName,
        offerSdp: call.offer?.sdp,
        correlator: ctx.correlator,
        ...(emergency ? { emergency: { location } } : {}),
        ...(anonymous ? { anonymous: true } : {}),
      });
    } catch (error) {
      await store.sessions.delete(mediaSessionId);
      throw toApiError(error);
    }
    return info;
  }

  return { admit, place };
}
