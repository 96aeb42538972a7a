import { Given, Then } from "@cucumber/cucumber";
import { RESOURCES } from "../support/resources.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";
import { kindOfParam, set, subscriptionBody, THE } from "./commonalities-kit.ts";
import { phrase } from "./step-phrase.ts";
import { parseLiteral } from "./step-values.ts";

// Preconditions (event-subscription template)

Given(phrase("an existing item"), async function (this: ConformanceWorld) {
  await this.createResource(kindOfParam(this, "id"));
});

Given(
  phrase("{the}resource {string} as {word} base-url", THE),
  function (this: ConformanceWorld, path: string, _api: string) {
    this.resource = this.mapPath(this.interpolate(path.replace(/^\{apiroot\}/i, "")));
  },
);

Given(
  phrase("a valid{api} subscription request body", { "{api}": "(?:\\s+\\S+)?" }),
  async function (this: ConformanceWorld) {
    this.draft.body = { kind: "json", value: await subscriptionBody(this) };
  },
);

Given(
  phrase("a valid subscription request body with {the}property {string} set to {value}", THE),
  async function (this: ConformanceWorld, path: string, literal: string) {
    this.draft.body = { kind: "json", value: await subscriptionBody(this) };
    set(
      this,
      path,
      parseLiteral(literal, (t) => this.interpolate(t)),
    );
  },
);

Given(
  phrase("a valid {word} subscription request body and header {string} is expired"),
  async function (this: ConformanceWorld, _api: string, name: string) {
    this.draft.body = { kind: "json", value: await subscriptionBody(this) };
    this.draft.setHeader(name, `Bearer ${await this.run.tokens.token("expired")}`);
    this.authProfile = "expired";
  },
);

Given(
  phrase("a client without {word} subscriptions created"),
  async function (this: ConformanceWorld, _api: string) {
    const list = await this.run.client.call({ operationId: "retrieveNotificationChannelSubscriptionList" });
    for (const s of Array.isArray(list.response.json) ? (list.response.json as { id?: string }[]) : []) {
      if (s.id)
        await this.run.client.call({
          operationId: RESOURCES.subscription.remove,
          pathParams: { subscriptionId: s.id },
        });
    }
  },
);

Given(phrase("a client with {word} subscriptions created"), async function (this: ConformanceWorld) {
  await this.createResource("subscription");
});

Given(
  phrase('an existing {word} subscription with some value for the property "expiresAt" in the near future'),
  async function (this: ConformanceWorld, _api: string) {
    const body = await subscriptionBody(this);
    body.config = {
      ...(body.config as object),
      subscriptionExpireTime: new Date(Date.now() + 5000).toISOString(),
    };
    await this.createResource("subscription", "valid", { body });
  },
);

Given(
  phrase("an existing {word} subscription with the property {string} set to {value}"),
  async function (this: ConformanceWorld, _api: string, property: string, literal: string) {
    const body = await subscriptionBody(this);
    const [first, second] = property.replace(/^\$\./, "").split(".");
    const value = parseLiteral(literal, (t) => this.interpolate(t));
    if (first && second) body[first] = { ...(body[first] as object), [second]: value };
    else if (first) body[first] = value;
    await this.createResource("subscription", "valid", { body });
  },
);

Given(phrase("the subscription is expired"), { timeout: 120_000 }, async function (this: ConformanceWorld) {
  const body = this.lastCreated?.body as { expiresAt?: string } | undefined;
  const at = Date.parse(body?.expiresAt ?? "");
  check(!Number.isNaN(at), "The subscription has no expiresAt to wait for.");
  check(at - Date.now() < 110_000, `The subscription expires at ${body?.expiresAt}: too far to wait.`);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now()) + 500));
});

Given(phrase("the event subscribed occurs"), function (this: ConformanceWorld) {
  // webrtc-events: the subscribed events come from the network (a call, a registration ending).
  check(
    this.run.config.supports.sip === true && this.run.config.testNetwork.placeIncomingCall,
    "An event of the subscribed type needs a SIP test network (supports.sip, testNetwork.placeIncomingCall).",
  );
  return "pending";
});

// Notifications

Then(
  phrase("an event notification of the subscribed type is received on callback-url"),
  async function (this: ConformanceWorld) {
    const receiver = this.run.sink?.receiver;
    check(
      receiver,
      "no notification sink runs: the target configuration needs `sink:` and `supports.events: true`",
    );
    const path = new URL(this.sinkUrl).pathname;
    this.notification = await receiver.waitFor(
      (r) => r.path === path && !this.notificationsTaken.has(r),
      this.run.config.timeouts.notificationMs,
    );
    this.notificationsTaken.add(this.notification);
  },
);

Then(phrase("type={string}"), function (this: ConformanceWorld, type: string) {
  check(this.notification, "No notification has been received in this scenario.");
  const wanted = type
    .replace(/<[^>]+>/g, "[^.]+")
    .replace(/\./g, "\\.")
    .replace(/\\\.\[\^\\\.\]\+/g, ".[^.]+");
  check(
    new RegExp(`^${wanted}$`).test(String(this.notification.event?.type)),
    `the notification's type is ${String(this.notification.event?.type)}, expected ${type}`,
  );
});
