@events
Feature: CAMARA WebRTC Events, v0.2.0 - Notification life cycle (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.events: the gateway delivers notifications to the suite's sink (an https URL on
  #   the tester's machine: the gateway must reach it and trust its certificate)
  #
  # Testing assets:
  # * receiverAddress: an address the subscriber may call
  # * A sink-url identified as "callback-url", which receives notifications (the suite runs it)
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-events.yaml
  #
  # API-Testing-Guidelines §Notifications (explicit subscriptions): subscribed events arrive at the
  # sink; none after subscriptionExpireTime, after subscriptionMaxEvents, or after deletion.
  # registration-ends is not provoked: it needs a registration to expire (operator TTL, minutes)
  # or the network to end it.

  Background: Common notification setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-events/v0.2/subscriptions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing media session with "mediaSessionId" as "my-session"
    And the request body:
      """
      {
        "protocol": "HTTP",
        "sink": "{{sinkUrl}}",
        "types": ["org.camaraproject.webrtc-events.v0.session-status"],
        "config": {
          "subscriptionDetail": { "registrationId": "{{registrationId}}", "sessionId": "{{mediaSessionId}}" }
        }
      }
      """

  # Scenarios 01 and 02 subscribe to the registration's invitations: nothing but the deletion or
  # the expiry under test can end that subscription, whatever becomes of the session (without a
  # SIP network the gateway ends every call at once, NotReachable).
  @conformance_notifications_01_deletion_ends_the_subscription
  Scenario: Deleting a subscription notifies subscription-ended once
    Given the request body:
      """
      {
        "protocol": "HTTP",
        "sink": "{{sinkUrl}}",
        "types": ["org.camaraproject.webrtc-events.v0.session-invitation"],
        "config": { "subscriptionDetail": { "registrationId": "{{registrationId}}" } }
      }
      """
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response property "$.id" is saved as "subscriptionId"
    Given the path parameter "subscriptionId" is set to "{{subscriptionId}}"
    When the request "deleteNotificationChannelSubscription" is sent
    Then the response status code is 202 or 204
    And event notification "subscription-ended" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSubscriptionEnded"
    And the notification was delivered as the spec requires
    And the notification property "$.data.subscriptionId" is "{{subscriptionId}}"
    And the notification property "$.data.terminationReason" is "SUBSCRIPTION_DELETED"
    When the request "deleteNotificationChannelSubscription" is sent
    Then the response status code is 404
    And no event notification "subscription-ended" is received on callback-url within 2 seconds

  @conformance_notifications_02_expiry_ends_the_subscription
  Scenario: A subscription ends at its subscriptionExpireTime
    Given the request body:
      """
      {
        "protocol": "HTTP",
        "sink": "{{sinkUrl}}",
        "types": ["org.camaraproject.webrtc-events.v0.session-invitation"],
        "config": { "subscriptionDetail": { "registrationId": "{{registrationId}}" } }
      }
      """
    And the request body property "$.config.subscriptionExpireTime" is set to 3 seconds from now
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response property "$.id" is saved as "subscriptionId"
    And event notification "subscription-ended" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSubscriptionEnded"
    And the notification property "$.data.terminationReason" is "SUBSCRIPTION_EXPIRED"
    And no event notification "subscription-ended" is received on callback-url within 2 seconds

  # A live call is needed for its status to change after the subscription: @sip. The call is
  # first left to reach Connected, so that its setup (Ringing, Connected) is over before the
  # subscription is created: only the change this scenario makes is then notified.
  @conformance_notifications_06_no_event_after_deletion @sip
  Scenario: After its deletion, a session-status subscription receives nothing more
    Given the session status becomes "Connected" within 15 seconds
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response property "$.id" is saved as "subscriptionId"
    Given the path parameter "subscriptionId" is set to "{{subscriptionId}}"
    When the request "deleteNotificationChannelSubscription" is sent
    Then the response status code is 202 or 204
    And event notification "subscription-ended" is received on callback-url
    And the notification property "$.data.terminationReason" is "SUBSCRIPTION_DELETED"
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "deleteSessionById" is sent
    Then the response status code is 204
    And no event notification "session-status" is received on callback-url within 2 seconds

  # A live call is needed for its status to change after the subscription: @sip. The call is
  # first left to reach Connected, so that its setup (Ringing, Connected) is over before the
  # subscription is created: only the change this scenario makes is then notified.
  @conformance_notifications_03_max_events_ends_the_subscription @sip
  Scenario: A subscription ends once subscriptionMaxEvents events were sent
    Given the session status becomes "Connected" within 15 seconds
    And the request body property "$.config.subscriptionMaxEvents" is set to 1
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "deleteSessionById" is sent
    Then the response status code is 204
    And event notification "session-status" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSessionStatus"
    And the notification property "$.data.mediaSessionId" is "{{mediaSessionId}}"
    And the notification property "$.data.status" is "Terminated"
    And event notification "subscription-ended" is received on callback-url
    And the notification property "$.data.terminationReason" is "MAX_EVENTS_REACHED"

  # Like 03 and 06, on a live call that has reached Connected (see above).
  @conformance_notifications_04_session_status @sip
  Scenario: A status change of the session is notified
    Given the session status becomes "Connected" within 15 seconds
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    Given the path parameter "mediaSessionId" is set to "{{mediaSessionId}}"
    When the request "deleteSessionById" is sent
    Then the response status code is 204
    And event notification "session-status" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSessionStatus"
    And the notification was delivered as the spec requires
    And the notification property "$.type" is "org.camaraproject.webrtc-events.v0.session-status"
    And the notification property "$.data.mediaSessionId" is "{{mediaSessionId}}"
    # Call flows 3.3.2 [61]: the DELETE of a connected call is notified as Terminated.
    And the notification property "$.data.status" is "Terminated"

  @conformance_notifications_05_initial_event
  Scenario: initialEvent sends the current state on creation
    # Config.initialEvent: "Set to `true` by API consumer if consumer wants to get an event as soon
    # as the subscription is created and current situation reflects event request."
    Given the request body property "$.config.initialEvent" is set to true
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And event notification "session-status" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSessionStatus"
    And the notification property "$.data.mediaSessionId" is "{{mediaSessionId}}"
