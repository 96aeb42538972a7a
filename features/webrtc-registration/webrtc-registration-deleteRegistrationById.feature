Feature: CAMARA WebRTC Registration, v0.3.0 - Operation deleteRegistrationById (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * two test subscribers: the one of the valid access token, and another one
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-registration.yaml

  Background: Common deleteRegistrationById setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-registration/v0.3/sessions/{registrationId}"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And the path parameter "registrationId" is set by default to an existing registration

  @conformance_deleteRegistrationById_01_delete
  Scenario: An existing registration is deleted and is gone afterwards
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body is empty
    When the request "deleteRegistrationById" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"
    When the request "updateRegistrationById" is sent
    Then the response status code is 404

  @conformance_deleteRegistrationById_02_no_calls_after_delete
  Scenario: A deleted registration can no longer place calls
    Given an existing registration session with "registrationId" as "my-registration"
    And the path parameter "registrationId" is set to "my-registration"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    Given the header "registrationId" is set to "{{registrationId}}"
    And the request body:
      """
      { "receiverAddress": "{{receiverAddress}}" }
      """
    When the request "createSession" is sent
    Then the response status code is 400 or 403 or 404
    And the response body complies with the OAS schema for this operation and status code

  # 400 errors

  @conformance_deleteRegistrationById_400.1_empty_path_parameter
  Scenario: Empty registrationId
    Given the path parameter "registrationId" is set to ""
    When the request "deleteRegistrationById" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_deleteRegistrationById_400.2_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  # 401 errors

  @conformance_deleteRegistrationById_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "deleteRegistrationById" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_deleteRegistrationById_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "deleteRegistrationById" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_deleteRegistrationById_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "deleteRegistrationById" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_deleteRegistrationById_403.1_missing_scope
  Scenario: Access token without the operation's scope
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "deleteRegistrationById" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"

  # 404 errors

  @conformance_deleteRegistrationById_404.1_unknown_registration
  Scenario: registrationId of no registration
    Given the path parameter "registrationId" is compliant with the parameter schema but does not identify a valid registration
    When the request "deleteRegistrationById" is sent
    Then the response status code is 404
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "NOT_FOUND"

  @conformance_deleteRegistrationById_404.2_other_subscriber
  Scenario: Another subscriber's registration cannot be deleted
    Given an existing registration of another subscriber
    And the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"
