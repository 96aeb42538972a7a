Feature: CAMARA WebRTC Call Handling, v0.3.0 - Operation createSession (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  #
  # Testing assets:
  # * phoneNumber: the subscriber of the valid access token
  # * receiverAddress: an address the subscriber may call
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-call-handling.yaml
  #
  # 400 OUT_OF_RANGE is documented (Generic400) but no input of this operation has a range.
  # Reusing a clientCorrelator for another receiver has no documented answer; it is not tested.

  Background: Common createSession setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-call-handling/v0.3/sessions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And the header "registrationId" is set to "{{registrationId}}"
    And the request body:
      """
      { "receiverAddress": "{{receiverAddress}}" }
      """

  @conformance_createSession_01_success
  Scenario: A call from a registered device is created
    When the request "createSession" is sent
    Then the response status code is 201
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response header "Content-Type" is "application/json"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.mediaSessionId" exists
    And the response property "$.receiverAddress" is "{{receiverAddress}}"
    And the response property "$.originatorAddress", if present, is "tel:{{phoneNumber}}"

  @conformance_createSession_02_with_offer_and_originator
  Scenario: A call with an SDP offer and the subscriber's own address as originator
    Given the request body:
      """
      {
        "originatorAddress": "tel:{{phoneNumber}}",
        "receiverAddress": "{{receiverAddress}}",
        "offer": { "sdp": "v=0\r\no=- 8066321617929821805 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 42988 RTP/SAVPF 102 113\r\nc=IN IP4 127.0.0.1\r\na=rtcp-mux\r\na=sendrecv\r\na=rtpmap:102 AMR-WB/16000\r\na=rtpmap:113 telephone-event/16000\r\n" },
        "clientCorrelator": "conformance-createSession-02"
      }
      """
    When the request "createSession" is sent
    Then the response status code is 201
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.originatorAddress" is "tel:{{phoneNumber}}"
    And the response property "$.clientCorrelator" is "conformance-createSession-02"

  @conformance_createSession_03_idempotent_client_correlator
  Scenario: Repeating a creation with the same clientCorrelator returns the same session
    # MediaSessionInformation.clientCorrelator: "A correlator that the client can use to tag this
    # particular resource representation during a request to create a resource on the server."
    Given the request body property "$.clientCorrelator" is set to "conformance-createSession-03"
    When the request "createSession" is sent
    Then the response status code is 201
    And the response property "$.mediaSessionId" is saved as "mediaSessionId"
    When the request "createSession" is sent
    Then the response status code is 201
    And the response property "$.mediaSessionId" is "{{mediaSessionId}}"

  @conformance_createSession_04_crud
  Scenario: A created session can be read back and is gone once deleted
    When the request "createSession" is sent
    Then the response status code is 201
    And the response property "$.mediaSessionId" is saved as "mediaSessionId"
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "getSessionDetailsById" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.mediaSessionId" is "{{mediaSessionId}}"
    And the response property "$.receiverAddress" is "{{receiverAddress}}"
    When the request "deleteSessionById" is sent
    Then the response status code is 204
    When the request "getSessionDetailsById" is sent
    Then the response status code is 404
    And the response property "$.code" is "NOT_FOUND"

  # 400 errors

  @conformance_createSession_400.1_no_request_body
  Scenario: Missing request body
    Given the request body is not included
    When the request "createSession" is sent
    Then the response status code is 400
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createSession_400.2_empty_request_body
  Scenario: Empty object as request body (no receiver)
    Given the request body is set to "{}"
    When the request "createSession" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createSession_400.3_receiver_not_an_address
  Scenario: receiverAddress is not a tel: or sip: address
    Given the request body property "$.receiverAddress" is set to "+34600000003"
    When the request "createSession" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_createSession_400.4_schema_not_compliant
  Scenario: Request body not compliant with the schema
    Given the request body is included but is not compliant with the schema at "/components/schemas/MediaSessionInformation"
    When the request "createSession" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_createSession_400.5_missing_registration_id
  Scenario: Missing registrationId header
    Given the header "registrationId" is removed
    When the request "createSession" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"
    And the response property "$.message" contains a user friendly text

  @conformance_createSession_400.6_unknown_registration_id
  Scenario: registrationId header naming no registration of the subscriber
    # The spec does not say which error this is; any documented client error of the operation is accepted.
    Given the header "registrationId" is set to "conformance-unknown-registration"
    When the request "createSession" is sent
    Then the response status code is 400 or 403
    And the response body complies with the OAS schema for this operation and status code

  @conformance_createSession_400.7_invalid_x_correlator
  Scenario: x-correlator not compliant with its schema
    Given the header "x-correlator" is set to "not a valid correlator!"
    When the request "createSession" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  # 401 errors

  @conformance_createSession_401.1_no_authorization_header
  Scenario: No Authorization header
    Given the header "Authorization" is removed
    When the request "createSession" is sent
    Then the response status code is 401
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_createSession_401.2_expired_access_token
  Scenario: Expired access token
    Given the header "Authorization" is set to an expired access token
    When the request "createSession" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  @conformance_createSession_401.3_invalid_access_token
  Scenario: Access token with an altered signature
    Given the header "Authorization" is set to an invalid access token
    When the request "createSession" is sent
    Then the response status code is 401
    And the response property "$.code" is "UNAUTHENTICATED"

  # 403 errors

  @conformance_createSession_403.1_missing_scope
  Scenario: Access token without the operation's scope
    Given the header "Authorization" is set to a valid access token without the required scope
    When the request "createSession" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "PERMISSION_DENIED"

  @conformance_createSession_403.2_originator_not_the_subscriber
  Scenario: originatorAddress that is not the token's subscriber
    Given the request body property "$.originatorAddress" is set to "tel:{{otherPhoneNumber}}"
    When the request "createSession" is sent
    Then the response status code is 403
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_TOKEN_CONTEXT"
    And the response property "$.message" contains a user friendly text

  @conformance_createSession_403.3_registration_of_another_subscriber
  Scenario: registrationId of another subscriber's registration
    Given an existing registration of another subscriber
    And the header "registrationId" is set to "{{registrationId}}"
    When the request "createSession" is sent
    Then the response status code is 400 or 403
    And the response body complies with the OAS schema for this operation and status code
