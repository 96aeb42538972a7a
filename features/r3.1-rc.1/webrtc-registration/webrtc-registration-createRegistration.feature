Feature: CAMARA WebRTC Registration, v0.4.0-rc.1 - Operation createRegistration (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * the operator's minimum registration lifetime is at least 2 s (any real one is minutes)
  #
  # Testing assets:
  # * phoneNumber: the subscriber the valid access token identifies
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-registration.yaml (r3.1-rc.1).
  # What is new in r3.1: 201 Created, one device with several phone numbers but one active
  # registration per (deviceId, phone number) (409 ALREADY_EXISTS), registrationExpireTime below the
  # operator minimum refused (400 OUT_OF_RANGE) and above the maximum capped.

  Background: Common createRegistration setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-registration/v0.4rc1/sessions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And the request body is set by default to a request body compliant with the schema at "/components/schemas/RegSessionRequest"

  @conformance_r3.1_createRegistration_01_created
  Scenario: A device of the token's subscriber is registered: 201 Created
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response header "Content-Type" is "application/json"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.registrationId" is saved as "registrationId"
    And the response property "$.regInfo.phoneNumber", if present, is "{{phoneNumber}}"
    And the response property "$.regInfo.regStatus", if present, is "Registered"
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204

  @conformance_r3.1_createRegistration_409_already_exists
  Scenario: A second registration of the same device for the same phone number is refused with 409 ALREADY_EXISTS
    # createRegistration 409 (GENERIC_409_ALREADY_EXISTS): "The device already has an active
    # registration for this phone number".
    Given the request body property "$.deviceId" is set to "3f0b8a51-2c7d-4e19-8b6a-5d2c9e7f1a40"
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response property "$.registrationId" is saved as "registrationId"
    When the request "createRegistration" is sent
    Then the response status code is 409
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.status" is 409
    And the response property "$.code" is "ALREADY_EXISTS"
    And the response property "$.message" contains a user friendly text
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response property "$.registrationId" is saved as "registrationId"
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204

  @conformance_r3.1_createRegistration_02_one_device_several_numbers
  Scenario: The same device registers for another phone number beside the first
    Given the request body property "$.deviceId" is set to "7a2e4c19-0d3b-4f6a-9c8e-1b5d7f3a2e60"
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response property "$.registrationId" is saved as "firstRegistrationId"
    Given the header "Authorization" is set to a valid access token for the phone number "{{otherPhoneNumber}}"
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response property "$.regInfo.phoneNumber", if present, is "{{otherPhoneNumber}}"
    And the response property "$.registrationId" is saved as "registrationId"
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    Given the header "Authorization" is set to a valid access token
    And the path parameter "registrationId" is set to "{{firstRegistrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204

  @conformance_r3.1_createRegistration_400_out_of_range
  Scenario: A registrationExpireTime below the operator minimum is refused with 400 OUT_OF_RANGE
    # RegSessionRequest.registrationExpireTime: "If the client includes a value below the operator's
    # allowed minimum, a `400 - OUT_OF_RANGE` error response is returned."
    Given the request body property "$.registrationExpireTime" is set to 1 seconds from now
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.status" is 400
    And the response property "$.code" is "OUT_OF_RANGE"
    And the response property "$.message" contains a user friendly text

  @conformance_r3.1_createRegistration_03_capped_expiry
  Scenario: A registrationExpireTime above the operator maximum is capped
    # "If the client includes a value exceeding the operator's allowed maximum, the server caps the
    # value and returns the authoritative expiry in `expiresAt`."
    Given the request body property "$.registrationExpireTime" is set to 31536000 seconds from now
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.expiresAt" is a time earlier than the request body property "$.registrationExpireTime"
    And the response property "$.registrationId" is saved as "registrationId"
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204

  @conformance_r3.1_createRegistration_400.1_no_request_body
  Scenario: Without a request body, createRegistration is refused with 400 INVALID_ARGUMENT
    Given the request body is not included
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
