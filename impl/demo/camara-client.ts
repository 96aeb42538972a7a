/**
 * The device application's view of the gateway: the CAMARA WebRTC APIs (r2.2) over fetch, plus the
 * development issuer's token endpoint. Browser code; nothing here knows about SIP.
 */
export const API = {
  registration: "/webrtc-registration/v0.3",
  callHandling: "/webrtc-call-handling/v0.3",
  events: "/webrtc-events/v0.2",
} as const;

export const EVENT_TYPES = {
  sessionStatus: "org.camaraproject.webrtc-events.v0.session-status",
  sessionInvitation: "org.camaraproject.webrtc-events.v0.session-invitation",
  registrationEnds: "org.camaraproject.webrtc-events.v0.registration-ends",
} as const;

/** Every scope the softphone uses, requested at once from the development issuer. */
export const SOFTPHONE_SCOPES = [
  "webrtc-registration:sessions:create",
  "webrtc-registration:sessions:write",
  "webrtc-registration:sessions:delete",
  "webrtc-call-handling:sessions:create",
  "webrtc-call-handling:sessions:read",
  "webrtc-call-handling:sessions:write",
  "webrtc-call-handling:sessions:delete",
  `webrtc-events:${EVENT_TYPES.sessionStatus}:create`,
  `webrtc-events:${EVENT_TYPES.sessionInvitation}:create`,
  `webrtc-events:${EVENT_TYPES.registrationEnds}:create`,
  "webrtc-events:read",
  "webrtc-events:delete",
];

/** MediaSessionInformation (webrtc-call-handling), the fields the softphone reads. */
export interface MediaSession {
  mediaSessionId: string;
  status?: string;
  originatorAddress?: string;
  receiverAddress?: string;
  originatorName?: string;
  offer?: { sdp?: string };
  answer?: { sdp?: string };
}

/** A CAMARA ErrorInfo answer, as an exception. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

export class CamaraClient {
  accessToken = "";

  constructor(readonly origin: string) {}

  /** Client-credentials token for a phone number from the gateway's development issuer. */
  async obtainDevToken(
    phoneNumber: string,
    clientId = "dev-client",
    clientSecret = "dev-secret",
  ): Promise<void> {
    const response = await fetch(`${this.origin}/dev-issuer/token`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${btoa(`${clientId}:${clientSecret}`)}`,
      },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        scope: SOFTPHONE_SCOPES.join(" "),
        phone_number: phoneNumber,
      }).toString(),
    });
    const body = (await response.json()) as {
      access_token?: string;
      error_description?: string;
      error?: string;
    };
    if (!response.ok || !body.access_token)
      throw new ApiCallError(
        response.status,
        body.error ?? "token",
        body.error_description ?? "no access token",
      );
    this.accessToken = body.access_token;
  }

  /** createRegistration: POST /sessions; returns the registrationId. */
  async register(deviceId: string): Promise<string> {
    const body = await this.call<{ registrationId: string }>("POST", `${API.registration}/sessions`, {
      deviceId,
    });
    return body.registrationId;
  }

  async unregister(registrationId: string): Promise<void> {
    await this.call("DELETE", `${API.registration}/sessions/${encodeURIComponent(registrationId)}`);
  }

  /** createNotificationChannelSubscription for one event type; returns the subscription id. */
  async subscribe(
    type: string,
    sink: string,
    sinkCredential: unknown,
    detail: { registrationId: string; sessionId?: string },
  ): Promise<string> {
    const body = await this.call<{ id: string }>("POST", `${API.events}/subscriptions`, {
      protocol: "HTTP",
      sink,
      sinkCredential,
      types: [type],
      config: { subscriptionDetail: detail },
    });
    return body.id;
  }

  /** createSession: an outgoing call with the browser's offer. */
  createSession(
    registrationId: string,
    session: Omit<MediaSession, "mediaSessionId">,
  ): Promise<MediaSession> {
    return this.call("POST", `${API.callHandling}/sessions`, session, { registrationId });
  }

  getSession(mediaSessionId: string): Promise<MediaSession> {
    return this.call("GET", `${API.callHandling}/sessions/${encodeURIComponent(mediaSessionId)}`);
  }

  /** updateSessionStatus: answer, hold, resume, re-offer. */
  updateStatus(mediaSessionId: string, update: Omit<MediaSession, "mediaSessionId">): Promise<MediaSession> {
    return this.call(
      "PUT",
      `${API.callHandling}/sessions/${encodeURIComponent(mediaSessionId)}/status`,
      update,
    );
  }

  async deleteSession(mediaSessionId: string): Promise<void> {
    await this.call("DELETE", `${API.callHandling}/sessions/${encodeURIComponent(mediaSessionId)}`);
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(`${this.origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.accessToken}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const info = (parsed ?? {}) as { code?: string; message?: string };
      throw new ApiCallError(response.status, info.code ?? "ERROR", info.message ?? response.statusText);
    }
    return parsed as T;
  }
}
