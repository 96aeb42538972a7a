@token-profiles
Feature: Every token profile on every operation (check ignored_auth)
  # Each token profile of the target configuration is sent to each operation of the three APIs,
  # on resources of the valid subscriber, with an otherwise valid request. The answer must be the
  # error the Commonalities prescribe for that token (API-Design-Guide §Error responses: 401
  # UNAUTHENTICATED for a missing, expired or invalid token; 403 PERMISSION_DENIED for missing
  # scopes), and for tokens whose subscriber does not match, an error status and code the operation
  # documents — never a success, never an undocumented code.

  Background:
    Given an environment at "apiRoot"

  Scenario Outline: <operationId> with <token> answers <status> <code>
    Given the header "Authorization" is set to <token>
    And the request "<operationId>" is set up on resources of the valid subscriber
    And the header "x-correlator" is set to a UUID value
    When the request "<operationId>" is sent
    Then the response status code is <status>
    And the response property "$.code" is "<code>"
    And the response is an error the operation documents
    And the response header "x-correlator" has same value as the request header "x-correlator"

    Examples: expired tokens
      | operationId                                  | token                   | status | code            |
      | createRegistration                           | an expired access token | 401    | UNAUTHENTICATED |
      | updateRegistrationById                       | an expired access token | 401    | UNAUTHENTICATED |
      | deleteRegistrationById                       | an expired access token | 401    | UNAUTHENTICATED |
      | createSession                                | an expired access token | 401    | UNAUTHENTICATED |
      | getSessionDetailsById                        | an expired access token | 401    | UNAUTHENTICATED |
      | updateSessionStatus                          | an expired access token | 401    | UNAUTHENTICATED |
      | deleteSessionById                            | an expired access token | 401    | UNAUTHENTICATED |
      | createNotificationChannelSubscription        | an expired access token | 401    | UNAUTHENTICATED |
      | retrieveNotificationChannelSubscriptionList  | an expired access token | 401    | UNAUTHENTICATED |
      | retrieveNotificationChannelSubscription      | an expired access token | 401    | UNAUTHENTICATED |
      | deleteNotificationChannelSubscription        | an expired access token | 401    | UNAUTHENTICATED |

    Examples: invalid tokens
      | operationId                                  | token                    | status | code            |
      | createRegistration                           | an invalid access token  | 401    | UNAUTHENTICATED |
      | updateRegistrationById                       | an invalid access token  | 401    | UNAUTHENTICATED |
      | deleteRegistrationById                       | an invalid access token  | 401    | UNAUTHENTICATED |
      | createSession                                | an invalid access token  | 401    | UNAUTHENTICATED |
      | getSessionDetailsById                        | an invalid access token  | 401    | UNAUTHENTICATED |
      | updateSessionStatus                          | an invalid access token  | 401    | UNAUTHENTICATED |
      | deleteSessionById                            | an invalid access token  | 401    | UNAUTHENTICATED |
      | createNotificationChannelSubscription        | an invalid access token  | 401    | UNAUTHENTICATED |
      | retrieveNotificationChannelSubscriptionList  | an invalid access token  | 401    | UNAUTHENTICATED |
      | retrieveNotificationChannelSubscription      | an invalid access token  | 401    | UNAUTHENTICATED |
      | deleteNotificationChannelSubscription        | an invalid access token  | 401    | UNAUTHENTICATED |

    Examples: tokens without the operation's scope
      | operationId                                  | token                                                | status | code              |
      | createRegistration                           | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | updateRegistrationById                       | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | deleteRegistrationById                       | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | createSession                                | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | getSessionDetailsById                        | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | updateSessionStatus                          | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | deleteSessionById                            | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | createNotificationChannelSubscription        | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | retrieveNotificationChannelSubscriptionList  | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | retrieveNotificationChannelSubscription      | a valid access token without the required scope     | 403    | PERMISSION_DENIED |
      | deleteNotificationChannelSubscription        | a valid access token without the required scope     | 403    | PERMISSION_DENIED |

  Scenario Outline: <operationId> with <token> answers an error it documents
    Given the header "Authorization" is set to <token>
    And the request "<operationId>" is set up on resources of the valid subscriber
    And the header "x-correlator" is set to a UUID value
    When the request "<operationId>" is sent
    Then the response is an error the operation documents
    And the response header "x-correlator" has same value as the request header "x-correlator"

    Examples: tokens naming no subscriber
      | operationId                                  | token                                                               |
      | createRegistration                           | a valid access token which does not identify a single phone number |
      | updateRegistrationById                       | a valid access token which does not identify a single phone number |
      | deleteRegistrationById                       | a valid access token which does not identify a single phone number |
      | createSession                                | a valid access token which does not identify a single phone number |
      | getSessionDetailsById                        | a valid access token which does not identify a single phone number |
      | updateSessionStatus                          | a valid access token which does not identify a single phone number |
      | deleteSessionById                            | a valid access token which does not identify a single phone number |
      | createNotificationChannelSubscription        | a valid access token which does not identify a single phone number |
      | retrieveNotificationChannelSubscriptionList  | a valid access token which does not identify a single phone number |
      | retrieveNotificationChannelSubscription      | a valid access token which does not identify a single phone number |
      | deleteNotificationChannelSubscription        | a valid access token which does not identify a single phone number |

    Examples: another subscriber's token on the valid subscriber's resources
      | operationId                                  | token                                      |
      | updateRegistrationById                       | a valid access token of another subscriber |
      | deleteRegistrationById                       | a valid access token of another subscriber |
      | createSession                                | a valid access token of another subscriber |
      | getSessionDetailsById                        | a valid access token of another subscriber |
      | updateSessionStatus                          | a valid access token of another subscriber |
      | deleteSessionById                            | a valid access token of another subscriber |
      | createNotificationChannelSubscription        | a valid access token of another subscriber |
      | retrieveNotificationChannelSubscription      | a valid access token of another subscriber |
      | deleteNotificationChannelSubscription        | a valid access token of another subscriber |
