Feature: CAMARA WebRTC Events, v0.3.0-rc.1 - Operation updateNotificationChannelSubscription (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.events: the gateway delivers notifications to the suite's sink
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-events.yaml (r3.1-rc.1).
  # New in r3.1: "Either or both of the following attributes may be updated: sinkCredential,
  # config.subscriptionExpireTime. The subscription sink, event types, and config.subscriptionDetail
  # are not modified by this operation."

  Background: Common updateNotificationChannelSubscription setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-events/v0.3rc1/subscriptions/{subscriptionId}"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And an existing events subscription with "subscriptionId" as "my-subscription"
    And the path parameter "subscriptionId" is set to "{{subscriptionId}}"

  @conformance_r3.1_updateSubscription_01_expire_time
  Scenario: The expire time of a subscription is updated
    Given the request body:
      """
      { "config": { "subscriptionExpireTime": "2099-01-01T00:00:00Z" } }
      """
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 200
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.id" is "{{subscriptionId}}"
    And the response property "$.config.subscriptionExpireTime" is "2099-01-01T00:00:00Z"
    And the response property "$.config.subscriptionDetail.deviceId" is "{{deviceId}}"
    And the response property "$.types[0]" is "org.camaraproject.webrtc-events.v0.session-invitation"
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 200
    And the response property "$.config.subscriptionExpireTime" is "2099-01-01T00:00:00Z"

  @conformance_r3.1_updateSubscription_02_sink_credential
  Scenario: The sink credential of a subscription is replaced, and not shown
    Given the request body:
      """
      { "sinkCredential": { "credentialType": "ACCESSTOKEN", "accessToken": "conformance-new-token", "accessTokenExpiresUtc": "2099-12-31T23:59:59Z", "accessTokenType": "bearer" } }
      """
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.sinkCredential" does not exist

  @conformance_r3.1_updateSubscription_03_new_expiry_ends_it @events
  Scenario: A subscription ends at the expire time an update gave it, notified in the r3.1 CloudEvent shape
    Given the request body property "$.config.subscriptionExpireTime" is set to 2 seconds from now
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 200
    And event notification "subscription-ended" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSubscriptionEnded"
    And the notification was delivered as the spec requires
    And the notification property "$.specversion" is "1.0"
    And the notification property "$.data.subscriptionId" is "{{subscriptionId}}"
    And the notification property "$.data.terminationReason" is "SUBSCRIPTION_EXPIRED"

  @conformance_r3.1_updateSubscription_400_nothing_to_update
  Scenario: An update naming neither attribute is refused with 400 INVALID_ARGUMENT
    Given the request body is set to "{}"
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_r3.1_updateSubscription_400_other_attribute
  Scenario: An update of the sink (not updatable) is refused with 400 INVALID_ARGUMENT
    # SubscriptionUpdateRequest: additionalProperties false.
    Given the request body:
      """
      { "sink": "https://example.com/elsewhere" }
      """
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_r3.1_updateSubscription_400_past_expiry
  Scenario: An expire time in the past is refused with 400
    Given the request body:
      """
      { "config": { "subscriptionExpireTime": "2020-01-01T00:00:00Z" } }
      """
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code

  @conformance_r3.1_updateSubscription_404_unknown
  Scenario: An unknown subscription is not found
    Given the path parameter "subscriptionId" is set to "no-such-subscription"
    And the request body:
      """
      { "config": { "subscriptionExpireTime": "2099-01-01T00:00:00Z" } }
      """
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"

  @conformance_r3.1_updateSubscription_404_other_subscriber
  Scenario: Another subscriber's subscription is not found
    Given the header "Authorization" is set to a valid access token for the phone number "{{otherPhoneNumber}}"
    And the request body:
      """
      { "config": { "subscriptionExpireTime": "2099-01-01T00:00:00Z" } }
      """
    When the request "updateNotificationChannelSubscription" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"
