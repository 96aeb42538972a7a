Feature: CAMARA WebRTC Events, v0.2.0 - Operation createNotificationChannelSubscription (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.rate-limit: whether a burst of requests gets 429 within the bound below
  #
  # Testing assets:
  # * two test subscribers: the one of the valid access token, and another one
  # * sinkUrl: an https sink (the suite's own sink when it runs, else a URL nothing listens on)
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-events.yaml
  #
  # Not provoked: 409 ABORTED/ALREADY_EXISTS and 422 MULTIEVENT_COMBINATION_TEMPORARILY_NOT_SUPPORTED
  # depend on the provider's internal state; 422 SERVICE_NOT_APPLICABLE, MISSING_IDENTIFIER,
  # UNSUPPORTED_IDENTIFIER and UNNECESSARY_IDENTIFIER concern device identifiers, which this
  # subscription request does not carry (it names a registration).

  Background: Common createNotificationChannelSubscription setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-events/v0.2/subscriptions"
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
        "config": { "subscriptionDetail": { "registrationId": "{{registrationId}}" } }
      }
      """

  @conformance_createSubscription_01_success
  Scenario: A subscription to invitations of the subscriber's registration is created and readable
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response header "Content-Type" is "application/json"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.id" is saved as "subscriptionId"
    Given the path parameter "subscriptionId" is set to "{{subscriptionId}}"
    When the request "retrieveNotificationChannelSubscription" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.id" is "{{subscriptionId}}"
    And the response property "$.sink" is "{{sinkUrl}}"
    And the response property "$.protocol" is "HTTP"
    And the response property "$.types[0]" is "org.camaraproject.webrtc-events.v0.session-invitation"
    And the response property "$.config.subscriptionDetail.registrationId" is "{{registrationId}}"

  @conformance_createSubscription_02_session_status
  Scenario: A subscription to the status of one of the subscriber's sessions
    Given an existing media session with "mediaSessionId" as "my-session"
    And the request body property "$.types[0]" is set to "org.camaraproject.webrtc-events.v0.session-status"
    And the request body property "$.config.subscriptionDetail.registrationId" is set to "{{registrationId}}"
    And the request body property "$.config.subscriptionDetail.sessionId" is set to "{{mediaSessionId}}"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response body complies with the OAS schema for this operation and status code

  @conformance_createSubscription_03_sink_credential_not_returned
  Scenario: The sink credential is not part of the representation
    # Commonalities event guide: "The sinkCredential MUST NOT be present in POST and GET responses."
    Given the request body property "$.sinkCredential" is set to {"credentialType": "ACCESSTOKEN", "accessToken": "conformance-sink-token", "accessTokenExpiresUtc": "2099-12-31T23:59:59Z", "accessTokenType": "bearer"}
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.sinkCredential" does not exist

  @conformance_createSubscription_04_expiry_and_max_events
  Scenario: A subscription with an expiry time and a maximum number of events
    Given the request body property "$.config.subscriptionExpireTime" is set to 3600 seconds from now
    And the request body property "$.config.subscriptionMaxEvents" is set to 5
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response body complies with the OAS schema for this operation and status code

  # 400 errors

  @conformance_createSubscription_400.1_no_request_body
  Scenario: Missing request body
    Given the request body is not included
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createSubscription_400.2_empty_request_body
  Scenario: Empty object as request body
    Given the request body is set to "{}"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createSubscription_400.3_schema_not_compliant
  Scenario: Request body not compliant with the schema
    Given the request body is included but is not compliant with the schema at "/components/schemas/SubscriptionRequest"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code

  @conformance_createSubscription_400.4_missing_registration_id
  Scenario: Missing required property config.subscriptionDetail.registrationId
    Given the request body property "$.config.subscriptionDetail.registrationId" is not included
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_createSubscription_400.5_expire_time_in_the_past
  Scenario: subscriptionExpireTime in the past
    # event-subscription-template.feature @..._21 expects INVALID_ARGUMENT; OUT_OF_RANGE is documented too.
    Given the request body property "$.config.subscriptionExpireTime" is in the past
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT" or "OUT_OF_RANGE"
    And the response property "$.message" contains a user friendly text

  @conformance_createSubscription_400.6_invalid_protocol
  Scenario: A protocol other than HTTP
    Given the request body property "$.protocol" is set to "MQTT3"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_PROTOCOL"
    And the response property "$.message" contains a user friendly text

  @conformance_createSubscription_400.7_invalid_credential
  Scenario Outline: An unsupported sink credential type
    Given the request body property "$.sinkCredential.credentialType" is set to "<unsupported_credential_type>"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_CREDENTIAL"
    And the response property "$.message" contains a user friendly text

    Examples:
      | unsupported_credential_type |
      | PLAIN                       |
      | REFRESHTOKEN                |

  @conformance_createSubscription_400.8_invalid_token_type
  Scenario: A sink access token type other than bearer
    # syntax-errors-template.feature 400.7: INVALID_TOKEN, or INVALID_ARGUMENT from a generic validator.
    Given the request body property "$.sinkCredential" is set to {"credentialType": "ACCESSTOKEN", "accessToken": "conformance-sink-token", "accessTokenExpiresUtc": "2099-12-31T23:59:59Z", "accessTokenType": "mac"}
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_TOKEN" or "INVALID_ARGUMENT"

  @conformance_createSubscription_400.9_invalid_sink
  Scenario Outline: A sink that is not an https URL
    Given the request body property "$.sink" is set to "<sink>"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_SINK"
    And the response property "$.message" contains a user friendly text

    Examples:
      | sink                          |
      | invalid-url                   |
      | http://sink.example.com/hooks |

  @conformance_createSubscription_400.10_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  # 401 errors

  @conformance_createSubscription_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_createSubscription_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_createSubscription_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_createSubscription_403.1_missing_scope
  Scenario: Access token without the scope of the event type
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"

  @conformance_createSubscription_403.2_registration_of_another_subscriber
  Scenario: A registration that is not the token's subscriber's
    Given an existing registration of another subscriber
    And the request body property "$.config.subscriptionDetail.registrationId" is set to "{{registrationId}}"
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "SUBSCRIPTION_MISMATCH"
    And the response property "$.message" contains a user friendly text

  # 422 errors

  @conformance_createSubscription_422.1_multiple_event_types
  Scenario: Two event types in one subscription
    # The schema allows one item (maxItems: 1), so a schema violation (400) is as documented as the 422.
    Given the request body property "$.types" is set to ["org.camaraproject.webrtc-events.v0.session-invitation", "org.camaraproject.webrtc-events.v0.registration-ends"]
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 400 or 422
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "MULTIEVENT_SUBSCRIPTION_NOT_SUPPORTED" or "INVALID_ARGUMENT"

  # 429 errors

  @conformance_createSubscription_429.1_too_many_requests @rate-limit
  Scenario: A burst of requests is throttled
    When the request "createNotificationChannelSubscription" is sent until the response status code is 429, at most 20000 times
    Then the response status code is 429
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "QUOTA_EXCEEDED" or "TOO_MANY_REQUESTS"
