Feature: CAMARA WebRTC Events, v0.3.0-rc.1 - Operation createNotificationChannelSubscription (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * two test subscribers: the one of the valid access token, and another one
  # * sinkUrl: an https sink (the suite's own sink when it runs, else a URL nothing listens on)
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-events.yaml (r3.1-rc.1).
  # What is new in r3.1: subscriptions name a deviceId (WebrtcSubscriptionDetail: "requires a
  # deviceId related to a valid registration"), and up to 3 event types (types: maxItems 3).

  Background: Common createNotificationChannelSubscription setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-events/v0.3rc1/subscriptions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And the request body:
      """
      {
        "protocol": "HTTP",
        "sink": "{{sinkUrl}}",
        "types": ["org.camaraproject.webrtc-events.v0.session-invitation"],
        "config": { "subscriptionDetail": { "deviceId": "{{deviceId}}" } }
      }
      """

  @conformance_r3.1_createSubscription_01_device
  Scenario: A subscription to the invitations of a registered device is created and readable
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.id" is saved as "subscriptionId"
    And the response property "$.config.subscriptionDetail.deviceId" is "{{deviceId}}"
    Given the path parameter "subscriptionId" is set to "{{subscriptionId}}"
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.id" is "{{subscriptionId}}"
    And the response property "$.config.subscriptionDetail.deviceId" is "{{deviceId}}"
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$[?(@.id == '{{subscriptionId}}')].types[0]" is "org.camaraproject.webrtc-events.v0.session-invitation"

  @conformance_r3.1_createSubscription_02_three_types
  Scenario: One subscription to three event types
    Given the request body property "$.types" is set to ["org.camaraproject.webrtc-events.v0.session-invitation", "org.camaraproject.webrtc-events.v0.session-status", "org.camaraproject.webrtc-events.v0.registration-ends"]
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.types[2]" exists
    And the response property "$.types[3]" does not exist

  @conformance_r3.1_createSubscription_03_sink_credential_not_returned
  Scenario: The sink credential is not part of the representation
    # Commonalities event guide: "The sinkCredential MUST NOT be present in POST and GET responses."
    Given the request body property "$.sinkCredential" is set to {"credentialType": "ACCESSTOKEN", "accessToken": "conformance-sink-token", "accessTokenExpiresUtc": "2099-12-31T23:59:59Z", "accessTokenType": "bearer"}
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response property "$.sinkCredential" does not exist

  @conformance_r3.1_createSubscription_422_four_types
  Scenario: More than 3 event types is refused with 422 MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED
    # SubscriptionRequest.types: maxItems 3; "If multi-event subscription is not supported, a 422
    # MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED error will be returned."
    Given the request body property "$.types" is set to ["org.camaraproject.webrtc-events.v0.session-invitation", "org.camaraproject.webrtc-events.v0.session-status", "org.camaraproject.webrtc-events.v0.registration-ends", "org.camaraproject.webrtc-events.v0.session-status"]
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 422
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.status" is 422
    And the response property "$.code" is "MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED"
    And the response property "$.message" contains a user friendly text

  @conformance_r3.1_createSubscription_403_unregistered_device
  Scenario: A device without a registration of the subscriber is refused with 403 SUBSCRIPTION_MISMATCH
    Given the request body property "$.config.subscriptionDetail.deviceId" is set to "5c1e9a77-3b2d-4f80-a6c4-8e0d2f1b9a35"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "SUBSCRIPTION_MISMATCH"

  @conformance_r3.1_createSubscription_403_other_subscribers_device
  Scenario: Another subscriber's device is refused with 403 SUBSCRIPTION_MISMATCH
    Given the header "Authorization" is set to a valid access token for the phone number "{{otherPhoneNumber}}"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 403
    And the response property "$.code" is "SUBSCRIPTION_MISMATCH"

  @conformance_r3.1_createSubscription_400_registration_id
  Scenario: A subscriptionDetail without deviceId is refused with 400 INVALID_ARGUMENT
    Given the request body property "$.config.subscriptionDetail" is set to {"registrationId": "{{registrationId}}"}
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
