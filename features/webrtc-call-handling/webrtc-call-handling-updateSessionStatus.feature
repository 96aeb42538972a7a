Feature: CAMARA WebRTC Call Handling, v0.3.0 - Operation updateSessionStatus (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * two test subscribers: the one of the valid access token, and another one
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-call-handling.yaml
  #
  # Successful status changes need a call in the right state (answered, ringing…), which only a
  # network behind the gateway can produce: they are in features/call-flows (@sip).

  Background: Common updateSessionStatus setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-call-handling/v0.3/sessions/{mediaSessionId}/status"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And the path parameter "mediaSessionId" is set by default to an existing media session
    And the request body:
      """
      { "status": "Hold" }
      """

  # 400 errors

  @conformance_updateSessionStatus_400.1_status_not_in_enum
  Scenario: A status that SessionStatus does not define
    Given the request body property "$.status" is set to "OnTheMoon"
    When the request "updateSessionStatus" is sent
    Then the response status code is 400
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_updateSessionStatus_400.2_schema_not_compliant
  Scenario: Request body not compliant with the schema
    Given the request body is included but is not compliant with the schema at "/components/schemas/MediaSessionInformation"
    When the request "updateSessionStatus" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_updateSessionStatus_400.3_empty_path_parameter
  Scenario: Empty mediaSessionId
    Given the path parameter "mediaSessionId" is set to ""
    When the request "updateSessionStatus" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_updateSessionStatus_400.4_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "updateSessionStatus" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  # 401 errors

  @conformance_updateSessionStatus_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "updateSessionStatus" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_updateSessionStatus_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "updateSessionStatus" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_updateSessionStatus_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "updateSessionStatus" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_updateSessionStatus_403.1_missing_scope
  Scenario: Access token without the operation's scope
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "updateSessionStatus" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"

  # 404 errors

  @conformance_updateSessionStatus_404.1_unknown_session
  Scenario: mediaSessionId of no session
    Given the path parameter "mediaSessionId" is compliant with the parameter schema but does not identify a valid session
    When the request "updateSessionStatus" is sent
    Then the response status code is 404
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "NOT_FOUND"
    And the response property "$.message" contains a user friendly text

  @conformance_updateSessionStatus_404.2_other_subscriber
  Scenario: Another subscriber's session cannot be changed
    Given an existing media session of another subscriber
    And the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "updateSessionStatus" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"
