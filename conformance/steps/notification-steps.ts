import { Then } from "@cucumber/cucumber";
import { toPointer } from "../schema/ajv-openapi.ts";
import { query } from "../support/json-path.ts";
import type { ReceivedNotification } from "../support/notification-sink.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";
import { describeProblems } from "./schema-assertions.ts";
import { phrase, splitValues } from "./step-phrase.ts";
import { jsonEqual, parseLiteral } from "./step-values.ts";

/**
 * Notifications (API-Testing-Guidelines §Notifications; event-subscription-template.feature),
 * read from the loopback sink. Each scenario's subscriptions name their own sink path, so a
 * notification is this scenario's when it arrived on that path. Each received notification is
 * taken once: "is received" twice waits for two, and "no … is received" ignores those taken.
 */

const THE = { "{the}": "(?:the\\s+)?" };

/** `subscription-ended` matches `org.camaraproject.webrtc-events.v0.subscription-ended`. */
function typeMatches(type: string | undefined, wanted: string): boolean {
  return type === wanted || (type?.endsWith(`.${wanted}`) ?? false);
}

function sink(world: ConformanceWorld) {
  const running = world.run.sink;
  check(
    running,
    "no notification sink runs: the target configuration needs `sink:` and `supports.events: true`",
  );
  return running;
}

/** Notifications of this scenario of the wanted type that no earlier step has taken. */
function ours(world: ConformanceWorld, wanted: string) {
  const path = new URL(world.sinkUrl).pathname;
  return (r: ReceivedNotification) =>
    r.path === path && typeMatches(r.event?.type, wanted) && !world.notificationsTaken.has(r);
}

Then(
  phrase("{the}event notification {string} is received on callback-url", THE),
  async function (this: ConformanceWorld, type: string) {
    const receiver = sink(this).receiver;
    this.notification = await receiver.waitFor(ours(this, type), this.run.config.timeouts.notificationMs);
    this.notificationsTaken.add(this.notification);
  },
);

Then(
  phrase("no event notification {string} is received on callback-url within {int} seconds"),
  { timeout: 660_000 },
  async function (this: ConformanceWorld, type: string, seconds: string) {
    const receiver = sink(this).receiver;
    const late = await receiver.waitFor(ours(this, type), Number(seconds) * 1000).then(
      (r) => r,
      () => undefined,
    );
    check(late === undefined, `a ${type} notification arrived: ${JSON.stringify(late?.event)}`);
  },
);

Then(
  phrase("{the}notification body complies with the OAS schema at {string}", THE),
  function (this: ConformanceWorld, pointer: string) {
    const event = received(this).event;
    const problems = this.run.contract.validator.validateAt("webrtc-events", toPointer(pointer), event);
    check(problems.length === 0, `the notification ${describeProblems(pointer, problems)}`);
  },
);

Then(
  phrase("the notification property {string} is {values}"),
  function (this: ConformanceWorld, path: string, values: string) {
    const expected = splitValues(values).map((v) => parseLiteral(v, (t) => this.interpolate(t)));
    const [actual] = query(received(this).event, this.interpolate(path));
    check(
      expected.some((e) => jsonEqual(actual, e)),
      `${path} is ${JSON.stringify(actual)}, expected ${expected.map((e) => JSON.stringify(e)).join(" or ")}`,
    );
  },
);

Then(phrase("the notification was delivered as the spec requires"), function (this: ConformanceWorld) {
  // The sink checks the CloudEvent schema, `application/cloudevents+json` and `x-correlator`.
  const { problems } = received(this);
  check(problems.length === 0, `the notification request had problems: ${problems.join("; ")}`);
});

function received(world: ConformanceWorld): ReceivedNotification {
  check(world.notification, "no notification has been received in this scenario");
  return world.notification;
}
