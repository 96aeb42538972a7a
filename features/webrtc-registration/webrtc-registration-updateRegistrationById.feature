Feature: CAMARA WebRTC Registration, v0.3.0 - Operation updateRegistrationById (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * two test subscribers: the one of the valid access token, and another one
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-registration.yaml
  #
  # 404 IDENTIFIER_NOT_FOUND is documented for device identifiers; this operation takes none (the
  # registration is named by registrationId), so no scenario can provoke it.

  Background: Common updateRegistrationById setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-registration/v0.3/sessions/{registrationId}"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And the path parameter "registrationId" is set by default to an existing registration
    And the request body is set by default to a request body compliant with the schema at "/components/schemas/regSessionUpdate"

  @conformance_updateRegistrationById_01_refresh
  Scenario: An existing registration is refreshed
    When the request "updateRegistrationById" is sent
    Then the response status code is 200 or 204
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code

  @conformance_updateRegistrationById_02_requested_expiry
  Scenario: A refresh asking for an expiry within the operator's range
    Given the request body property "$.registrationExpireTime" is set to 7200 seconds from now
    When the request "updateRegistrationById" is sent
    Then the response status code is 200 or 204
    And the response body complies with the OAS schema for this operation and status code

  @conformance_updateRegistrationById_03_crud
  Scenario: A registration can be refreshed until it is deleted
    Given an existing registration session with "registrationId" as "my-registration"
    And the path parameter "registrationId" is set to "my-registration"
    When the request "updateRegistrationById" is sent
    Then the response status code is 200 or 204
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    When the request "updateRegistrationById" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"

  # 400 errors

  @conformance_updateRegistrationById_400.1_empty_path_parameter
  Scenario: Empty registrationId
    Given the path parameter "registrationId" is set to ""
    When the request "updateRegistrationById" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_updateRegistrationById_400.2_expire_time_not_date_time
  Scenario: registrationExpireTime is not an RFC 3339 date-time
    Given the request body property "$.registrationExpireTime" is set to "in one hour"
    When the request "updateRegistrationById" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_updateRegistrationById_400.3_expire_time_in_the_past
  Scenario: registrationExpireTime in the past is out of range
    Given the request body property "$.registrationExpireTime" is in the past
    When the request "updateRegistrationById" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "OUT_OF_RANGE"
    And the response property "$.message" contains a user friendly text

  @conformance_updateRegistrationById_400.4_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "updateRegistrationById" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  # 401 errors

  @conformance_updateRegistrationById_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "updateRegistrationById" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_updateRegistrationById_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "updateRegistrationById" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_updateRegistrationById_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "updateRegistrationById" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_updateRegistrationById_403.1_missing_scope
  Scenario: Access token without the operation's scope
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "updateRegistrationById" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"

  # 404 errors

  @conformance_updateRegistrationById_404.1_unknown_registration
  Scenario: registrationId of no registration
    Given the path parameter "registrationId" is compliant with the parameter schema but does not identify a valid registration
    When the request "updateRegistrationById" is sent
    Then the response status code is 404
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "NOT_FOUND"
    And the response property "$.message" contains a user friendly text

  @conformance_updateRegistrationById_404.2_other_subscriber
  Scenario: Another subscriber's registration does not exist for this subscriber
    Given an existing registration of another subscriber
    And the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "updateRegistrationById" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"
