Feature: CAMARA WebRTC Registration, v0.3.0 - Operation createRegistration (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.registration-limits / supports.emergency-address: whether the limits and checks
  #   behind 403 MAX_* and 400 EMERGENCY_ADDRESS_MISSING apply to the test subscribers
  #
  # Testing assets:
  # * phoneNumber: the subscriber the valid access token identifies
  # * maxRegistrationsPerUser: the per-subscriber registration limit (registration-limits only)
  # * phoneNumberWithoutEmergencyAddress: a subscriber without emergency address (emergency-address only)
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-registration.yaml

  Background: Common createRegistration setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-registration/v0.3/sessions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And the request body is set by default to a request body compliant with the schema at "/components/schemas/regSessionRequest"

  # Success scenarios

  @conformance_createRegistration_01_success
  Scenario: A device of the token's subscriber is registered
    When the request "createRegistration" is sent
    Then the response status code is 200
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response header "Content-Type" is "application/json"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.registrationId" exists
    And the response property "$.regInfo.phoneNumber", if present, is "{{phoneNumber}}"
    And the response property "$.regInfo.regStatus", if present, is "Registered"

  @conformance_createRegistration_02_requested_expiry
  Scenario: A registration asking for an expiry within the operator's range is created
    Given the request body property "$.registrationExpireTime" is set to 3600 seconds from now
    When the request "createRegistration" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.expiresAt" exists

  @conformance_createRegistration_03_one_registration_per_device
  Scenario: A new registration of the same device replaces the previous one
    # "only one WebRTC session (registration) is active per device at a time, enabling the gateway
    # to clean up any stale sessions if a new session is initiated on the same device" (info.description)
    Given the request body property "$.deviceId" is set to "0b6c61c4-6b5e-4b8e-9a55-3f1f3c0d7a01"
    When the request "createRegistration" is sent
    Then the response status code is 200
    And the response property "$.registrationId" is saved as "firstRegistrationId"
    When the request "createRegistration" is sent
    Then the response status code is 200
    And the response property "$.registrationId" is saved as "registrationId"
    Given the path parameter "registrationId" is set to "{{firstRegistrationId}}"
    And the request body is set to "{}"
    When the request "updateRegistrationById" is sent
    Then the response status code is 404
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204

  # 400 errors

  @conformance_createRegistration_400.1_no_request_body
  Scenario: Missing request body
    Given the request body is not included
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response header "Content-Type" is "application/json"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.status" is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.2_empty_request_body
  Scenario: Empty object as request body
    Given the request body is set to "{}"
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.3_schema_not_compliant
  Scenario: Request body not compliant with the schema
    Given the request body is included but is not compliant with the schema at "/components/schemas/regSessionRequest"
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.4_device_id_not_uuid
  Scenario: deviceId is not in UUID format
    Given the request body property "$.deviceId" is set to "not-a-uuid"
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.5_missing_device_id
  Scenario: Missing required property deviceId
    Given the request body property "$.deviceId" is not included
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.6_expire_time_not_date_time
  Scenario: registrationExpireTime is not an RFC 3339 date-time
    Given the request body property "$.registrationExpireTime" is set to "tomorrow"
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.7_expire_time_in_the_past
  Scenario: registrationExpireTime in the past is out of range
    Given the request body property "$.registrationExpireTime" is in the past
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "OUT_OF_RANGE"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.8_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_400.9_emergency_address_missing @emergency-address
  Scenario: The subscriber has no emergency address
    Given the header "Authorization" is set to a valid access token for the phone number "{{phoneNumberWithoutEmergencyAddress}}"
    When the request "createRegistration" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "EMERGENCY_ADDRESS_MISSING"
    And the response property "$.message" contains a user friendly text

  # 401 errors

  @conformance_createRegistration_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "createRegistration" is sent
    Then the response status code is 401
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "createRegistration" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_createRegistration_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "createRegistration" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_createRegistration_403.1_missing_scope
  Scenario: Access token without the operation's scope
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "createRegistration" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_403.2_token_without_subscriber
  Scenario: Access token that identifies no subscriber
    Given the header "Authorization" is set to a valid access token which does not identify a single phone number
    When the request "createRegistration" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_TOKEN_CONTEXT"
    And the response property "$.message" contains a user friendly text

  @conformance_createRegistration_403.3_max_registrations @registration-limits
  Scenario: The subscriber has reached the registration limit
    Given the subscriber already has as many registrations as the target allows
    When the request "createRegistration" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "MAX_REGISTRATION_PER_USER" or "MAX_REGISTRATION_PER_MSISDN" or "MAX_DEVICES_PER_USER"
    And the response property "$.message" contains a user friendly text
