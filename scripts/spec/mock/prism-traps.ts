/**
 * Where Prism's mock departs from CAMARA, checked by start-prism.test.ts so that this list stays
 * true. A mock is for trying a client against the spec's shapes, not for conformance: run the
 * conformance suite against a gateway for that.
 */
export const PRISM_MOCK_TRAPS: readonly string[] = [
  "An invalid request gets the operation's 422 response when the spec documents one (e.g. webrtc-events " +
    "createNotificationChannelSubscription answers 422 SERVICE_NOT_APPLICABLE), where CAMARA expects " +
    "400 INVALID_ARGUMENT; only operations without a 422 answer 400.",
  "x-correlator is not echoed: responses carry the example of the header's schema " +
    "(b4333c46-49c0-4f62-80d7-f0ef930f1c46), not the request's value.",
  "Security is checked for presence only: any `Authorization: Bearer <anything>` passes; scopes are not checked.",
  "Callbacks are removed from the spec given to Prism, so the mock sends no notifications.",
];
