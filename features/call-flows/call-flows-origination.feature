@sip
Feature: CAMARA WebRTC call flows - origination over a test network (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.sip: a SIP test network behind the gateway, with callees that behave as named below
  #
  # Testing assets (testNetwork.callees):
  # * answers: answers with 180 then 200
  # * busy (486), noAnswer (no final answer / 408), notReachable (404), declines (603), fails (500)
  #
  # The SIP side of each flow follows SupportingDocuments/call-flows of the WebRTC r2.2 release.

  Background: Common origination setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-call-handling/v0.3/sessions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And the header "registrationId" is set to "{{registrationId}}"
    And the value "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\na=msid-semantic: WMS\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Kq3d\r\na=ice-pwd:Yc7cHk8xJ4dGq2vV1yZb6aQe\r\na=ice-options:trickle\r\na=fingerprint:sha-256 0F:74:31:25:CB:A2:13:EC:28:6F:6D:2C:61:FF:5D:C2:BC:B9:DB:3D:98:14:8D:1A:BB:EA:33:0C:A4:60:A8:8E\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n" is saved as "offerSdp"

  @conformance_flow_origination_01_answered
  Scenario: A call to a callee that answers is connected, then ended by the caller
    Given the request body:
      """
      { "receiverAddress": "{{callee.answers}}", "offer": { "sdp": "{{offerSdp}}" } }
      """
    When the request "createSession" is sent
    Then the response status code is 201
    And the response property "$.status" is "Initial"
    And the response property "$.mediaSessionId" is saved as "mediaSessionId"
    And the session status becomes "Connected" within 15 seconds
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "getSessionDetailsById" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.answer.sdp" exists
    When the request "deleteSessionById" is sent
    Then the response status code is 204
    When the request "getSessionDetailsById" is sent
    Then the response status code is 404

  @conformance_flow_origination_02_hold_resume
  Scenario: A connected call is put on hold and resumed
    Given the request body:
      """
      { "receiverAddress": "{{callee.answers}}", "offer": { "sdp": "{{offerSdp}}" } }
      """
    When the request "createSession" is sent
    Then the response status code is 201
    And the response property "$.mediaSessionId" is saved as "mediaSessionId"
    And the session status becomes "Connected" within 15 seconds
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    And the request body:
      """
      { "status": "Hold" }
      """
    When the request "updateSessionStatus" is sent
    Then the response status code is 200 or 204
    And the response body complies with the OAS schema for this operation and status code
    And the session status becomes "Hold" within 10 seconds
    Given the request body:
      """
      { "status": "Resume" }
      """
    When the request "updateSessionStatus" is sent
    Then the response status code is 200 or 204
    And the response body complies with the OAS schema for this operation and status code
    And the session status becomes "Resume" within 10 seconds
    When the request "deleteSessionById" is sent
    Then the response status code is 204

  @conformance_flow_origination_03_failures
  Scenario Outline: A call the network cannot complete ends in the status the call flows name
    Given the request body:
      """
      { "receiverAddress": "{{callee.<callee>}}", "offer": { "sdp": "{{offerSdp}}" } }
      """
    When the request "createSession" is sent
    Then the response status code is 201
    And the response property "$.mediaSessionId" is saved as "mediaSessionId"
    And the session status becomes "<status>" within 40 seconds
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "getSessionDetailsById" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    And the response property "$.status" is "<status>"

    Examples:
      | callee       | status       |
      | busy         | Busy         |
      | noAnswer     | NoAnswer     |
      | notReachable | NotReachable |
      | declines     | Declined     |
      | fails        | Failed       |

  @conformance_flow_origination_04_cancel_before_answer
  Scenario: The caller ends a call that is still ringing
    Given the request body:
      """
      { "receiverAddress": "{{callee.noAnswer}}", "offer": { "sdp": "{{offerSdp}}" } }
      """
    When the request "createSession" is sent
    Then the response status code is 201
    And the response property "$.mediaSessionId" is saved as "mediaSessionId"
    And the session status becomes "Ringing" within 10 seconds
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "deleteSessionById" is sent
    Then the response status code is 204
    When the request "getSessionDetailsById" is sent
    Then the response status code is 404
