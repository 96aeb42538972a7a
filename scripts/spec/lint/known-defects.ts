import type { Finding } from "./finding.ts";
import type { KnownDefect } from "./known-defect.ts";
import { KNOWN_DEFECTS_R3_1_RC_1 } from "./known-defects-r3.1-rc.1.ts";

export type { KnownDefect } from "./known-defect.ts";

/** The r2.2 defects the toolkit was built to catch (see also api-definitions/overlays/r2.2/). */
export const KNOWN_DEFECTS: readonly KnownDefect[] = [
  {
    title: "deviceId `pattern: uuid`",
    detail:
      "regSessionRequest.deviceId has `pattern: uuid`, a regular expression matching any string that contains " +
      '"uuid": it accepts "my-uuid" and rejects every real UUID. The description says "in UUID format": `format: uuid`.',
    rule: "camara-pattern-not-format",
    file: "webrtc-registration.yaml",
    pointer: "/components/schemas/regSessionRequest/properties/deviceId/pattern",
  },
  {
    title: "EventSessionStatus requires fields the envelope does not define",
    detail:
      "EventSessionStatus requires `mediaSessionId` and `status` on the CloudEvent envelope, which defines neither " +
      "(they belong to `data`): every valid session-status event fails validation.",
    rule: "camara-required-defined",
    file: "webrtc-events.yaml",
    pointer: "/components/schemas/EventSessionStatus/allOf/1/required",
  },
  {
    title: "SESSION_UPDATE example fails EventSessionStatus",
    detail:
      "The session-status callback example, selected by the CloudEvent discriminator, lacks the envelope-level " +
      "`mediaSessionId` and `status` EventSessionStatus requires (the defect above, seen from the example).",
    rule: "camara-example-valid",
    file: "webrtc-events.yaml",
    pointer: "/components/examples/SESSION_UPDATE",
  },
  {
    title: "PUT …/status examples wrapped in receiverSessionStatus",
    detail:
      "The five updateSessionStatus examples wrap the fields in `receiverSessionStatus` / `ReceiverSessionStatus`. " +
      "MediaSessionInformation requires nothing and does not set additionalProperties: false, so they are valid by " +
      "schema and no validator rejects them; but they carry none of the schema's properties (no `status`, no " +
      "`answer`), and a mock serving them answers with bodies nobody can read. Reported as what it honestly is: " +
      "undeclared properties, a warning.",
    rule: "camara-example-undeclared-property",
    file: "webrtc-call-handling.yaml",
    pointer: "/components/examples/exampleSessionStatus",
  },
  {
    title: "Callback reuses operationId createNotificationChannelSubscription",
    detail:
      'The notifications callback has the operationId of the subscription operation; OpenAPI 3.0 §4.7.10: "The id ' +
      "MUST be unique among all operations described in the API.\" Spectral's own rule does not look at callbacks.",
    rule: "camara-operation-id-unique",
    file: "webrtc-events.yaml",
    pointer: "/paths/~1subscriptions/post/callbacks/notifications",
  },
  {
    title: "Example `accessTokenExpireUtc` vs schema `accessTokenExpiresUtc`",
    detail:
      "REGISTRATION_ENDS_SUBSCRIPTION spells the credential expiry `accessTokenExpireUtc`; the discriminator " +
      "(credentialType ACCESSTOKEN) selects AccessTokenCredential, which requires `accessTokenExpiresUtc`.",
    rule: "camara-example-valid",
    file: "webrtc-events.yaml",
    pointer: "/components/examples/REGISTRATION_ENDS_SUBSCRIPTION/value/sinkCredential",
  },
  {
    title: 'Feature placeholders such as "existing-session-id"',
    detail:
      "The registration update and delete features address `/sessions/existing-session-id`: a literal that no " +
      "gateway returns, where the scenario should create a registration and use its registrationId.",
    rule: "camara-feature-placeholder",
    file: ".feature",
    message: /existing-session-id/,
  },
  {
    title: 'POST to "/sessions" in the events feature',
    detail:
      'webrtc-events-createSubscription.feature sends its success request to "/sessions", not a path of webrtc-events.',
    rule: "camara-feature-path",
    file: "webrtc-events-createSubscription.feature",
    message: /"\/sessions" is not a path of webrtc-events/,
  },
  {
    title: "Features name operationIds the specs do not define",
    detail:
      "Six features name operations by other names (deleteSession, getSession, createSubscription, " +
      "deleteSubscription, getListSubscriptions, getSubscription).",
    rule: "camara-feature-operation-id",
    file: ".feature",
  },
  {
    title: "Documented error statuses without a scenario",
    detail:
      "No feature tests a 403; createNotificationChannelSubscription's 409, 422 and 429 and " +
      "retrieveNotificationChannelSubscriptionList's 400 are untested too.",
    rule: "camara-feature-error-coverage",
    file: ".feature",
  },
];

/** The findings that show `defect`. */
export function findingsOf(defect: KnownDefect, findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) =>
      f.rule === defect.rule &&
      f.file.endsWith(defect.file) &&
      (defect.pointer === undefined || (f.pointer ?? "").startsWith(defect.pointer)) &&
      (defect.message === undefined || defect.message.test(f.message)),
  );
}

/** The known defects of `release` (none for a release without a list). */
export function knownDefects(release: string): readonly KnownDefect[] {
  const byRelease: Record<string, readonly KnownDefect[]> = {
    "r2.2": KNOWN_DEFECTS,
    "r3.1-rc.1": KNOWN_DEFECTS_R3_1_RC_1,
  };
  return byRelease[release] ?? [];
}
