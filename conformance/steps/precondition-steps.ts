import { Given, Then } from "@cucumber/cucumber";
import type { ResourceKind } from "../config/target-config.ts";
import { RESOURCES, resourceOfParam } from "../support/resources.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";
import { phrase } from "./step-phrase.ts";

/**
 * Preconditions that create real resources through the API under test (with the `valid` token,
 * or another subscriber's), and bind the ids upstream features use as if they existed
 * (`an existing registration session with "registrationId" as "existing-session-id"`).
 */

const KIND = {
  "{kind}": `(registration session|registration|voice-video session|media session|call|events subscription|event subscription|subscription)`,
};

/** The resource kind a step's wording names. */
export function kindOf(wording: string): ResourceKind {
  const w = wording.toLowerCase();
  if (w.includes("subscription")) return "subscription";
  if (w.startsWith("registration")) return "registration";
  return "mediaSession";
}

Given(
  phrase("an existing {kind} with {string} as {string}", KIND),
  async function (this: ConformanceWorld, kind: string, property: string, placeholder: string) {
    const resource = await this.createResource(kindOf(kind));
    this.bindings.set(placeholder, resource.id);
    this.saved.set(property, resource.id);
  },
);

Given(
  phrase("an existing {kind}{owner}", { ...KIND, "{owner}": "((?:\\s+of\\s+another\\s+subscriber)?)" }),
  async function (this: ConformanceWorld, kind: string, owner: string) {
    const resource = await this.createResource(kindOf(kind), owner ? "otherSubscriber" : "valid");
    this.saved.set(RESOURCES[resource.kind].param, resource.id);
  },
);

Given(
  phrase("the subscriber already has as many registrations as the target allows"),
  { timeout: 300_000 },
  async function (this: ConformanceWorld) {
    const limit = Number(this.asset("maxRegistrationsPerUser"));
    check(
      Number.isInteger(limit) && limit > 0 && limit <= 1000,
      "assets.maxRegistrationsPerUser must be 1 to 1000",
    );
    for (let i = 0; i < limit; i++) await this.createResource("registration");
  },
);

Then(phrase("the {text} should no longer exist"), async function (this: ConformanceWorld, what: string) {
  const { request } = this.sent();
  const path = new URL(request.url).pathname;
  const matched = this.run.contract.match(request.method, path);
  const [param, id] = Object.entries(matched?.pathParams ?? {}).find(([p]) => resourceOfParam(p)) ?? [];
  check(param && id, `the last request (${request.method} ${path}) addressed no ${what}`);
  const spec = RESOURCES[resourceOfParam(param) as ResourceKind];
  // Read it back when the API can; else a second DELETE must find nothing either.
  const probe = await this.run.client.call({
    operationId: spec.read ?? spec.remove,
    pathParams: { [param]: decodeURIComponent(id) },
  });
  check(
    probe.response.status === 404,
    `${spec.read ?? spec.remove} for the deleted ${what} answered ${probe.response.status}, expected 404`,
  );
});
