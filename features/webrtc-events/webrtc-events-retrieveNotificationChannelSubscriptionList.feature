Feature: CAMARA WebRTC Events, v0.2.0 - Operation retrieveNotificationChannelSubscriptionList (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * two test subscribers: the one of the valid access token, and another one
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-events.yaml

  Background: Common retrieveNotificationChannelSubscriptionList setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-events/v0.2/subscriptions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"

  @conformance_retrieveSubscriptionList_01_success
  Scenario: The list holds the subscriber's subscriptions, each as the schema says
    Given an existing events subscription with "subscriptionId" as "my-subscription"
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 200
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response header "Content-Type" is "application/json"
    And the response body complies with the OAS schema for this operation and status code
    And each item of the response array, if any, complies with the OAS schema at "/components/schemas/Subscription"
    And the response property "$[?(@.id == '{{subscriptionId}}')]" exists

  @conformance_retrieveSubscriptionList_02_isolation
  Scenario: Another subscriber's subscriptions are not listed
    Given an existing events subscription of another subscriber
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 200
    And the response property "$[?(@.id == '{{subscriptionId}}')]" does not exist

  # 400 errors

  @conformance_retrieveSubscriptionList_400.1_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"

  # 401 errors

  @conformance_retrieveSubscriptionList_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_retrieveSubscriptionList_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_retrieveSubscriptionList_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_retrieveSubscriptionList_403.1_missing_scope
  Scenario: Access token without the operation's scope
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "retrieveNotificationChannelSubscriptionList" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"
