Feature: CAMARA WebRTC Events, v0.2.0 - Operation retrieveNotificationChannelSubscription (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * two test subscribers: the one of the valid access token, and another one
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-events.yaml

  Background: Common retrieveNotificationChannelSubscription setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-events/v0.2/subscriptions/{subscriptionId}"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And the path parameter "subscriptionId" is set by default to an existing subscription

  @conformance_retrieveSubscription_01_success
  Scenario: The subscriber reads one of its subscriptions
    Given an existing events subscription with "subscriptionId" as "my-subscription"
    And the path parameter "subscriptionId" is set to "my-subscription"
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 200
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response header "Content-Type" is "application/json"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.id" is "{{subscriptionId}}"
    And the response property "$.sinkCredential" does not exist

  # 400 errors

  @conformance_retrieveSubscription_400.1_empty_path_parameter
  Scenario: Empty subscriptionId
    # SubscriptionIdRequired400: "Expected property is missing: subscriptionId"
    Given the path parameter "subscriptionId" is set to ""
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_retrieveSubscription_400.2_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  # 401 errors

  @conformance_retrieveSubscription_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_retrieveSubscription_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_retrieveSubscription_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_retrieveSubscription_403.1_missing_scope
  Scenario: Access token without the operation's scope
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"

  # 404 errors

  @conformance_retrieveSubscription_404.1_unknown_subscription
  Scenario: subscriptionId of no subscription
    Given the path parameter "subscriptionId" is compliant with the parameter schema but does not identify a valid subscription
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 404
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "NOT_FOUND"
    And the response property "$.message" contains a user friendly text

  @conformance_retrieveSubscription_404.2_other_subscriber
  Scenario: Another subscriber's subscription does not exist for this subscriber
    Given an existing events subscription of another subscriber
    And the path parameter "subscriptionId" is set to "{{subscriptionId}}"
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"
