import type { KnownDefect } from "./known-defect.ts";

/**
 * The r3.1-rc.1 defects the linter must find (see api-definitions/overlays/r3.1-rc.1/ and the
 * README's "Known upstream defects (r3.1-rc.1)"). Four are r2.2's, still there.
 */
export const KNOWN_DEFECTS_R3_1_RC_1: readonly KnownDefect[] = [
  {
    title: "Callback reuses operationId createNotificationChannelSubscription",
    detail:
      'Still as in r2.2. OpenAPI 3.0 §4.7.10: "The id MUST be unique among all operations described in the API." ' +
      "openapi-typescript refuses the document, so nothing generates without the overlay.",
    rule: "camara-operation-id-unique",
    file: "webrtc-events.yaml",
    pointer: "/paths/~1subscriptions/post/callbacks/notifications",
  },
  {
    title: "EventSessionStatus requires fields the envelope does not define",
    detail:
      "Still as in r2.2: `mediaSessionId` and `status` are required on the CloudEvent envelope, which defines " +
      "neither (they belong to `data`, MediaSessionStatusUpdate): every valid session-status event fails validation.",
    rule: "camara-required-defined",
    file: "webrtc-events.yaml",
    pointer: "/components/schemas/EventSessionStatus/allOf/1/required",
  },
  {
    title: "SESSION_UPDATE example fails EventSessionStatus",
    detail: "The defect above, seen from the session-status callback example.",
    rule: "camara-example-valid",
    file: "webrtc-events.yaml",
    pointer: "/components/examples/SESSION_UPDATE",
  },
  {
    title: "REGISTRATION_ENDS example carries `data.subscriptionId`",
    detail: "Still as in r2.2: RegistrationEnds does not define it (the subscription is the CloudEvent's).",
    rule: "camara-example-undeclared-property",
    file: "webrtc-events.yaml",
    pointer: "/components/examples/REGISTRATION_ENDS/value/data/subscriptionId",
  },
  {
    title: "PUT …/status request examples carry response fields",
    detail:
      "exampleSessionStatusConnectedWithLocation and exampleSessionStatusLocationUpdate are both request examples " +
      "(MediaSessionStatusChange) and 200 response examples (MediaSessionResponse); as requests they carry " +
      "originatorAddress, originatorName, receiverAddress, receiverName and mediaSessionId, which the request schema " +
      "does not define. Valid by schema (no additionalProperties: false), so a warning.",
    rule: "camara-example-undeclared-property",
    file: "webrtc-call-handling.yaml",
    pointer: "/components/examples/exampleSessionStatus",
  },
  {
    title: 'POST to "/sessions" in the events feature',
    detail:
      "Still as in r2.2, in the renamed webrtc-events-createNotificationChannelSubscription.feature: its success " +
      'scenario sends the request to "/sessions", not a path of webrtc-events.',
    rule: "camara-feature-path",
    file: "webrtc-events-createNotificationChannelSubscription.feature",
    message: /"\/sessions" is not a path of webrtc-events/,
  },
  {
    title: "createRegistration feature names the r2.2 schema regSessionRequest",
    detail:
      "r3.1 renamed the schema RegSessionRequest; the feature's default request body points at " +
      "/components/schemas/regSessionRequest, which no longer exists.",
    rule: "camara-feature-schema-pointer",
    file: "webrtc-registration-createRegistration.feature",
    message: /regSessionRequest/,
  },
  {
    title: "createRegistration feature expects 200; the spec now documents 201",
    detail:
      "r3.1 changed the success status of POST /sessions to 201 Created; the success scenario still expects 200.",
    rule: "camara-feature-status",
    file: "webrtc-registration-createRegistration.feature",
    message: /expects 200/,
  },
  {
    title: 'Feature placeholders such as "existing-session-id"',
    detail:
      "Still as in r2.2: the registration update and delete features address `/sessions/existing-session-id`, a " +
      "literal no gateway returns.",
    rule: "camara-feature-placeholder",
    file: ".feature",
    message: /existing-session-id/,
  },
  {
    title: "Operations without a feature",
    detail:
      "getRegistrationsByDeviceId, getRegistrationById and updateNotificationChannelSubscription (new or untested " +
      "in r3.1) have no Test_definitions feature.",
    rule: "camara-feature-operation-coverage",
    file: ".yaml",
  },
  {
    title: "Documented error statuses without a scenario",
    detail:
      "No feature tests a 403; createNotificationChannelSubscription's 409, 422 and 429, createSession's 501 and " +
      "retrieveNotificationChannelSubscriptionList's 400 are untested too.",
    rule: "camara-feature-error-coverage",
    file: ".feature",
  },
];
