Feature: CAMARA WebRTC Registration, v0.4.0-rc.1 - Operation getRegistrationsByDeviceId (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * phoneNumber: the subscriber the valid access token identifies
  # * otherPhoneNumber: another subscriber
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-registration.yaml (r3.1-rc.1).
  # The answer is an array of at most 10 registrations (maxItems 10), checked by the schema steps.

  Background: Common getRegistrationsByDeviceId setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-registration/v0.4rc1/sessions"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"

  @conformance_r3.1_getRegistrationsByDeviceId_01_success
  Scenario: The active registration of a device is listed by its deviceId
    Given the query parameter "deviceId" is set to "{{deviceId}}"
    When the request "getRegistrationsByDeviceId" is sent
    Then the response status code is 200
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$[0].registrationId" is "{{registrationId}}"
    And the response property "$[1]" does not exist

  @conformance_r3.1_getRegistrationsByDeviceId_02_unknown_device
  Scenario: A device without active registrations gets an empty array
    # "Returns an empty array if no active registrations exist for the given deviceId."
    Given the query parameter "deviceId" is set to "0d6f2b3e-8c41-4a57-b9e2-6f1a3c5d7e90"
    When the request "getRegistrationsByDeviceId" is sent
    Then the response status code is 200
    And the response body is an empty array

  @conformance_r3.1_getRegistrationsByDeviceId_03_deleted
  Scenario: A deleted registration is listed no more
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    Given the query parameter "deviceId" is set to "{{deviceId}}"
    When the request "getRegistrationsByDeviceId" is sent
    Then the response status code is 200
    And the response body is an empty array

  @conformance_r3.1_getRegistrationsByDeviceId_04_other_subscriber
  Scenario: Another subscriber does not see the subscriber's registrations of the device
    # "It is not possible to retrieve registrations belonging to other devices"; nor another subscriber's.
    Given the header "Authorization" is set to a valid access token for the phone number "{{otherPhoneNumber}}"
    And the query parameter "deviceId" is set to "{{deviceId}}"
    When the request "getRegistrationsByDeviceId" is sent
    Then the response status code is 200
    And the response body is an empty array

  @conformance_r3.1_getRegistrationsByDeviceId_400_invalid_device
  Scenario: A deviceId that is not a UUID is refused with 400 INVALID_ARGUMENT
    Given the query parameter "deviceId" is set to "not-a-uuid"
    When the request "getRegistrationsByDeviceId" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_r3.1_getRegistrationsByDeviceId_400_missing_device
  Scenario: Without deviceId the request is refused with 400 INVALID_ARGUMENT
    When the request "getRegistrationsByDeviceId" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
