Feature: CAMARA WebRTC Registration, v0.4.0-rc.1 - Operation getRegistrationById (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.short-registrations: the operator's minimum registration lifetime is 3 s or less, so
  #   that a registration can be seen to expire within the run
  #
  # Testing assets:
  # * phoneNumber: the subscriber the valid access token identifies
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-registration.yaml (r3.1-rc.1).

  Background: Common getRegistrationById setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-registration/v0.4rc1/sessions/{registrationId}"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And the path parameter "registrationId" is set to "{{registrationId}}"

  @conformance_r3.1_getRegistrationById_01_success
  Scenario: An active registration of the subscriber is read by its id
    When the request "getRegistrationById" is sent
    Then the response status code is 200
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.registrationId" is "{{registrationId}}"
    And the response property "$.regInfo.phoneNumber", if present, is "{{phoneNumber}}"
    And the response property "$.expiresAt" exists

  @conformance_r3.1_getRegistrationById_404_deleted
  Scenario: A deleted registration is not found
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    When the request "getRegistrationById" is sent
    Then the response status code is 404
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "NOT_FOUND"
    And the response property "$.message" contains a user friendly text

  @conformance_r3.1_getRegistrationById_404_expired @short-registrations
  Scenario: A registration is not found once its expiry time has passed
    # getRegistrationById: "Returns `404` if the registration does not exist or has expired."
    Given the header "Content-Type" is set to "application/json"
    And the request body is set by default to a request body compliant with the schema at "/components/schemas/RegSessionRequest"
    And the request body property "$.registrationExpireTime" is set to 3 seconds from now
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response property "$.registrationId" is saved as "expiringRegistrationId"
    Given the time in the response property "$.expiresAt" has passed
    And the path parameter "registrationId" is set to "{{expiringRegistrationId}}"
    When the request "getRegistrationById" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"

  @conformance_r3.1_getRegistrationById_404_another_subscriber
  Scenario: Another subscriber's registration is not found
    Given the header "Authorization" is set to a valid access token for the phone number "{{otherPhoneNumber}}"
    When the request "getRegistrationById" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"

  @conformance_r3.1_getRegistrationById_401_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "getRegistrationById" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"
