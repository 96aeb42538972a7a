Feature: CAMARA WebRTC Call Handling, v0.4.0-rc.1 - Operation createSession (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.emergency-calls-off: the operator places no emergency calls through the API
  #
  # Testing assets:
  # * phoneNumber: the subscriber of the valid access token
  # * receiverAddress: an address the subscriber may call
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-call-handling.yaml (r3.1-rc.1).
  # What is new in r3.1: MediaSessionCreate requires originatorAddress, receiverAddress and offer;
  # the Address grammar adds urn:service:sos (emergency); an anonymous caller
  # (sip:anonymous@anonymous.invalid); callType EMERGENCY, and 501 CALLTYPE_EMERGENCY_NOT_SUPPORTED.

  Background: Common createSession setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-call-handling/v0.4rc1/sessions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And the header "registrationId" is set to "{{registrationId}}"
    And the request body:
      """
      {
        "originatorAddress": "tel:{{phoneNumber}}",
        "receiverAddress": "{{receiverAddress}}",
        "offer": { "sdp": "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nc=IN IP4 127.0.0.1\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n" }
      }
      """

  @conformance_r3.1_createSession_01_success
  Scenario: A call from a registered device is created with MediaSessionCreate
    When the request "createSession" is sent
    Then the response status code is 201
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.mediaSessionId" is saved as "mediaSessionId"
    And the response property "$.originatorAddress" is "tel:{{phoneNumber}}"
    And the response property "$.receiverAddress" is "{{receiverAddress}}"
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "getSessionDetailsById" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code

  @conformance_r3.1_createSession_02_anonymous_caller
  Scenario: An anonymous caller places a call
    # Address: sip:anonymous@anonymous.invalid is the anonymous URI of RFC 3261 §8.1.1.3; the network
    # hides the subscriber's identity (RFC 3323 Privacy: id).
    Given the request body property "$.originatorAddress" is set to "sip:anonymous@anonymous.invalid"
    When the request "createSession" is sent
    Then the response status code is 201
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.originatorAddress" is "sip:anonymous@anonymous.invalid"

  @conformance_r3.1_createSession_03_located_regular_call
  Scenario: A regular call may carry the caller's location
    Given the request body property "$.locationDetails" is set to {"shape": "Circle", "coordinates": {"latitude": 47.5124, "longitude": -122.4176, "radius": 27}, "method": "GPS"}
    When the request "createSession" is sent
    Then the response status code is 201
    And the response body complies with the OAS schema for this operation and status code

  @conformance_r3.1_createSession_501_emergency_not_supported @emergency-calls-off
  Scenario: An emergency call where the operator offers none is refused with 501 CALLTYPE_EMERGENCY_NOT_SUPPORTED
    Given the request body property "$.receiverAddress" is set to "urn:service:sos"
    And the request body property "$.callType" is set to "EMERGENCY"
    And the request body property "$.locationDetails" is set to {"shape": "Circle", "coordinates": {"latitude": 47.6062, "longitude": -122.3321, "radius": 35}, "method": "GPS"}
    When the request "createSession" is sent
    Then the response status code is 501
    And the response header "x-correlator" has same value as the request header "x-correlator"
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.status" is 501
    And the response property "$.code" is "CALLTYPE_EMERGENCY_NOT_SUPPORTED"
    And the response property "$.message" contains a user friendly text

  @conformance_r3.1_createSession_501_sos_urn_not_supported @emergency-calls-off
  Scenario: A call to urn:service:sos without callType is an emergency call too, refused with 501
    # RFC 5031 §4.2: urn:service:sos designates the emergency services.
    Given the request body property "$.receiverAddress" is set to "urn:service:sos.police"
    When the request "createSession" is sent
    Then the response status code is 501
    And the response property "$.code" is "CALLTYPE_EMERGENCY_NOT_SUPPORTED"

  @conformance_r3.1_createSession_400_missing_offer
  Scenario: A request without offer is refused with 400 INVALID_ARGUMENT (MediaSessionCreate requires it)
    Given the request body property "$.offer" is not included
    When the request "createSession" is sent
    Then the response status code is 400
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_r3.1_createSession_400_missing_originator
  Scenario: A request without originatorAddress is refused with 400 INVALID_ARGUMENT (MediaSessionCreate requires it)
    Given the request body property "$.originatorAddress" is not included
    When the request "createSession" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

  @conformance_r3.1_createSession_400_address_outside_grammar
  Scenario Outline: A receiverAddress outside the Address pattern is refused with 400 INVALID_ARGUMENT
    Given the request body property "$.receiverAddress" is set to "<address>"
    When the request "createSession" is sent
    Then the response status code is 400
    And the response property "$.code" is "INVALID_ARGUMENT"

    Examples:
      | address                                  |
      | tel:1234;phone-context=+34               |
      | sip:+34600000009@example.com;user=phone  |
      | urn:service:SOS                          |

  @conformance_r3.1_createSession_403_other_originator
  Scenario: An originatorAddress of another subscriber is refused with 403 INVALID_TOKEN_CONTEXT
    Given the request body property "$.originatorAddress" is set to "tel:{{otherPhoneNumber}}"
    When the request "createSession" is sent
    Then the response status code is 403
    And the response property "$.code" is "INVALID_TOKEN_CONTEXT"
