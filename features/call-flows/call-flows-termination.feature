@sip @events
Feature: CAMARA WebRTC call flows - termination over a test network (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.sip and supports.events: a SIP test network behind the gateway, and notifications
  #   delivered to the suite's sink
  #
  # Testing assets:
  # * testNetwork.placeIncomingCall: a shell command that calls TO (the subscriber's number) from
  #   FROM over the test network and stays in the call until ended (it is stopped after the scenario)
  # * testNetwork.callees.answers: an address to call from
  #
  # The SIP side of each flow follows SupportingDocuments/call-flows of the WebRTC r2.2 release.

  Background: Common termination setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-call-handling/v0.3/sessions/{mediaSessionId}/status"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And an existing events subscription with "subscriptionId" as "my-invitations"
    And the value "v=0\r\no=- 7712493016281843102 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\na=msid-semantic: WMS\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Tz8m\r\na=ice-pwd:Pq4rS7tU1vW3xY5zA9bC2dEf\r\na=fingerprint:sha-256 1A:84:41:35:DB:B2:23:FC:38:7F:7D:3C:71:0F:6D:D2:CC:C9:EB:4D:A8:24:9D:2A:CB:FA:43:1C:B4:70:B8:9E\r\na=setup:active\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n" is saved as "answerSdp"

  @conformance_flow_termination_01_answered
  Scenario: An incoming call is announced, rung, answered and ended by the receiver
    When the test network calls the subscriber from "{{callee.answers}}"
    Then event notification "session-invitation" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSessionInvitation"
    And the notification property "$.data.status" is "Initial"
    And the notification property "$.data.mediaSessionId" is saved as "mediaSessionId"
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "getSessionDetailsById" is sent
    Then the response status code is 200
    And the response body complies with the OAS schema for this operation and status code
    Given the request body:
      """
      { "status": "Ringing" }
      """
    When the request "updateSessionStatus" is sent
    Then the response status code is 200 or 204
    And the response body complies with the OAS schema for this operation and status code
    Given the request body:
      """
      { "status": "Connected", "answer": { "sdp": "{{answerSdp}}" } }
      """
    When the request "updateSessionStatus" is sent
    Then the response status code is 200 or 204
    And the session status becomes "Connected" within 10 seconds
    When the request "deleteSessionById" is sent
    Then the response status code is 204

  @conformance_flow_termination_02_declined
  Scenario: The receiver declines an incoming call
    When the test network calls the subscriber from "{{callee.answers}}"
    Then event notification "session-invitation" is received on callback-url
    And the notification property "$.data.mediaSessionId" is saved as "mediaSessionId"
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "deleteSessionById" is sent
    Then the response status code is 204
    When the request "getSessionDetailsById" is sent
    Then the response status code is 404
