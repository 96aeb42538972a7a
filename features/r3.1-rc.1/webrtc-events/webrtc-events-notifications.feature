@events
Feature: CAMARA WebRTC Events, v0.3.0-rc.1 - Notification life cycle (conformance suite)

  # Input to be provided by the implementation to the tester
  #
  # Implementation indications:
  # * apiRoot: API root of the server URL
  # * supports.events: the gateway delivers notifications to the suite's sink
  #
  # References to OAS spec schemas refer to schemas specified in webrtc-events.yaml (r3.1-rc.1):
  # the sink checks each notification against r3.1's CloudEvent schemas (payload under `data`).

  Background: Common notification setup
    Given an environment at "apiRoot"
    And the resource "/webrtc-events/v0.3rc1/subscriptions"
    And the header "Content-Type" is set to "application/json"
    And the header "Authorization" is set to a valid access token
    And the header "x-correlator" complies with the schema at "#/components/schemas/XCorrelator"
    And an existing registration session with "registrationId" as "my-registration"
    And the request body:
      """
      {
        "protocol": "HTTP",
        "sink": "{{sinkUrl}}",
        "types": ["org.camaraproject.webrtc-events.v0.session-invitation", "org.camaraproject.webrtc-events.v0.registration-ends"],
        "config": { "subscriptionDetail": { "deviceId": "{{deviceId}}" } }
      }
      """

  @conformance_r3.1_notifications_01_deletion_ends_the_subscription
  Scenario: Deleting a subscription of two types notifies subscription-ended once
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    And the response property "$.id" is saved as "subscriptionId"
    Given the path parameter "subscriptionId" is set to "{{subscriptionId}}"
    When the request "deleteNotificationChannelSubscription" is sent
    Then the response status code is 202 or 204
    And event notification "subscription-ended" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventSubscriptionEnded"
    And the notification was delivered as the spec requires
    And the notification property "$.type" is "org.camaraproject.webrtc-events.v0.subscription-ended"
    And the notification property "$.data.subscriptionId" is "{{subscriptionId}}"
    And the notification property "$.data.terminationReason" is "SUBSCRIPTION_DELETED"
    And no event notification "subscription-ended" is received on callback-url within 1 seconds

  @conformance_r3.1_notifications_02_registration_expires @short-registrations
  Scenario: A registration of the device reaching its expiry notifies registration-ends REGISTRATION_EXPIRED
    # RegistrationTerminationReason: "REGISTRATION_EXPIRED is triggered exactly when the set
    # registrationExpireTime has passed". The subscription names the device, so it outlives the
    # device's first registration (deleted by the client, which ends nothing) and hears of the next.
    When the request "createNotificationChannelSubscription" is sent
    Then the response status code is 201 or 202
    Given the path parameter "registrationId" is set to "{{registrationId}}"
    When the request "deleteRegistrationById" is sent
    Then the response status code is 204
    Given the request body:
      """
      { "deviceId": "{{deviceId}}" }
      """
    And the request body property "$.registrationExpireTime" is set to 3 seconds from now
    When the request "createRegistration" is sent
    Then the response status code is 201
    And the response property "$.registrationId" is saved as "expiringRegistrationId"
    And event notification "registration-ends" is received on callback-url
    And notification body complies with the OAS schema at "#/components/schemas/EventRegistrationEnds"
    And the notification was delivered as the spec requires
    And the notification property "$.data.registrationId" is "{{expiringRegistrationId}}"
    And the notification property "$.data.terminationReason" is "REGISTRATION_EXPIRED"
