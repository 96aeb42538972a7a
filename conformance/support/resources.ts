import type { ResourceKind, TokenProfile } from "../config/target-config.ts";
import type { Random } from "../schema/seeded-random.ts";
import type { ApiClient } from "./api-client.ts";

/**
 * The resources of the three WebRTC APIs that scenarios need to exist beforehand: how each is
 * created, identified and removed, by operationId (webrtc-registration v0.3 and v0.4rc1,
 * webrtc-call-handling v0.3 and v0.4rc1, webrtc-events v0.2 and v0.3rc1).
 */
export const RESOURCES: Readonly<
  Record<ResourceKind, { param: string; create: string; idProperty: string; remove: string; read?: string }>
> = {
  registration: {
    param: "registrationId",
    create: "createRegistration",
    idProperty: "registrationId",
    remove: "deleteRegistrationById",
  },
  mediaSession: {
    param: "mediaSessionId",
    create: "createSession",
    idProperty: "mediaSessionId",
    remove: "deleteSessionById",
    read: "getSessionDetailsById",
  },
  subscription: {
    param: "subscriptionId",
    create: "createNotificationChannelSubscription",
    idProperty: "id",
    remove: "deleteNotificationChannelSubscription",
    read: "retrieveNotificationChannelSubscription",
  },
};

/** The kind of resource a path parameter identifies, by the parameter's name. */
export function resourceOfParam(name: string): ResourceKind | undefined {
  return (Object.keys(RESOURCES) as ResourceKind[]).find((k) => RESOURCES[k].param === name);
}

/** A resource created for a scenario, removed after it. */
export interface CreatedResource {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly profile: TokenProfile;
  /** The creation response body. */
  readonly body: unknown;
  /** The creation request body, when known. */
  readonly request?: unknown;
}

export interface ResourceFactoryOptions {
  readonly client: ApiClient;
  readonly random: Random;
  readonly assets: Readonly<Record<string, string>>;
  /** Sink for subscriptions created as preconditions. */
  readonly sinkUrl: string;
  /** The release checked; default r2.2. */
  readonly release?: string;
}

/** An SDP offer of one audio stream (RFC 4566), for releases whose createSession requires `offer`. */
const OFFER_SDP =
  "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nc=IN IP4 127.0.0.1\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

/** The session-invitation type: a subscription to it needs nothing but a registration. */
const INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";

/**
 * What a subscription names its registration by: r2.2 its `registrationId`; r3.1 on the `deviceId`
 * the registration was made for ("session-invitation subscription is required using the deviceId
 * related to a valid registration", webrtc-events v0.3 SubscriptionDetail).
 */
export function subscriptionDetail(
  release: string | undefined,
  registration: CreatedResource,
): Record<string, string> {
  if (release === undefined || release === "r2.2") return { registrationId: registration.id };
  const deviceId = (registration.request as { deviceId?: unknown } | undefined)?.deviceId;
  if (typeof deviceId !== "string")
    throw new Error(`Registration ${registration.id} was not made by the suite: its deviceId is unknown.`);
  return { deviceId };
}

/**
 * Creates resources through the API under test, as a client would: a registration for a fresh
 * device, a call from it to `assets.receiverAddress`, a subscription to its invitations.
 */
export function createResourceFactory(options: ResourceFactoryOptions) {
  const { client, random, assets } = options;

  async function create(
    kind: ResourceKind,
    profile: TokenProfile,
    extra: { registration?: CreatedResource; body?: Record<string, unknown> } = {},
  ): Promise<CreatedResource[]> {
    const made: CreatedResource[] = [];
    let registration = extra.registration;
    if (kind !== "registration" && registration === undefined) {
      [registration] = await create("registration", profile);
      if (!registration) throw new Error("no registration created");
      made.push(registration);
    }
    const registrationId = registration?.id;
    const uuid = () => {
      const hex = (n: number) => Array.from({ length: n }, () => random.int(0, 15).toString(16)).join("");
      return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
    };
    const spec = RESOURCES[kind];
    const request =
      kind === "registration"
        ? { body: { deviceId: uuid(), ...extra.body } }
        : kind === "mediaSession"
          ? {
              headers: { registrationId: registrationId as string },
              body: {
                receiverAddress: assets.receiverAddress ?? "tel:+34600000003",
                // r3.1's MediaSessionCreate requires the originator and the offer (r2.2: optional).
                ...(options.release && options.release !== "r2.2"
                  ? { originatorAddress: assets.originatorAddress, offer: { sdp: OFFER_SDP } }
                  : {}),
                ...extra.body,
              },
            }
          : {
              body: {
                protocol: "HTTP",
                sink: options.sinkUrl,
                types: [INVITATION],
                // An expiry asked for, so that every subscription precondition also checks the
                // answered expiresAt against it (checks/coherence.ts expiry_within_request).
                config: {
                  subscriptionDetail: subscriptionDetail(options.release, registration as CreatedResource),
                  subscriptionExpireTime: new Date(Date.now() + 3_600_000).toISOString(),
                },
                ...extra.body,
              },
            };
    const exchange = await client.call({ operationId: spec.create, profile, ...request });
    const body = exchange.response.json as Record<string, unknown> | undefined;
    const id = body?.[spec.idProperty];
    if (exchange.response.status >= 300 || typeof id !== "string") {
      throw new Error(
        `Precondition failed: ${spec.create} answered ${exchange.response.status} ${exchange.response.text.slice(0, 300)}`,
      );
    }
    made.push({ kind, id, profile, body, request: request.body });
    return made;
  }

  async function remove(resource: CreatedResource): Promise<void> {
    const spec = RESOURCES[resource.kind];
    await client
      .call({
        operationId: spec.remove,
        pathParams: { [spec.param]: resource.id },
        profile: resource.profile,
      })
      .catch(() => undefined); // cleanup is best effort: the scenario may have deleted it already
  }

  return { create, remove };
}

export type ResourceFactory = ReturnType<typeof createResourceFactory>;
