import { Given, Then } from "@cucumber/cucumber";
import type { OperationManifest } from "../../generated/manifest-types.ts";
import { type CreatedResource, resourceOfParam, subscriptionDetail } from "../support/resources.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { check } from "./check.ts";
import { phrase } from "./step-phrase.ts";

/**
 * Steps of features/checks/token-profiles.feature: every token profile on every operation, each
 * answered with a status and code the operation documents (check `ignored_auth`).
 */

const SESSION_INVITATION = "org.camaraproject.webrtc-events.v0.session-invitation";

/** A request each operation accepts from the valid subscriber, on that subscriber's resources. */
async function validBody(world: ConformanceWorld, op: OperationManifest): Promise<unknown> {
  switch (op.operationId) {
    case "createRegistration":
      return { deviceId: "6f1c3a52-4b1e-4c55-9d7e-2a6c1d0b8e11" };
    case "updateRegistrationById":
      return {};
    case "createSession":
      return { receiverAddress: world.asset("receiverAddress") };
    case "updateSessionStatus":
      return { status: "Cancelled" };
    case "createNotificationChannelSubscription":
      return {
        protocol: "HTTP",
        sink: world.sinkUrl,
        types: [SESSION_INVITATION],
        config: {
          subscriptionDetail: subscriptionDetail(world.run.contract.release, await registrationOf(world)),
        },
      };
    default:
      return undefined;
  }
}

async function registrationOf(world: ConformanceWorld): Promise<CreatedResource> {
  const existing = world.created.find((r) => r.kind === "registration" && r.profile === "valid");
  return existing ?? (await world.createResource("registration"));
}

Given(
  phrase("the request {string} is set up on resources of the valid subscriber"),
  async function (this: ConformanceWorld, operationId: string) {
    const op = this.run.contract.operation(operationId);
    this.resource ??= op.fullPath;
    for (const p of op.parameters) {
      const kind = resourceOfParam(p.name);
      if (p.in === "path" && kind) this.draft.pathParams.set(p.name, { kind: "existing", resource: kind });
      if (p.in === "header" && p.name === "registrationId")
        this.draft.setHeader(p.name, (await registrationOf(this)).id);
    }
    const body = await validBody(this, op);
    if (body !== undefined) {
      this.draft.body = { kind: "json", value: body };
      this.draft.setHeader("Content-Type", "application/json");
    }
  },
);

/** The error codes an operation documents for a status (the `code` enum of its ErrorInfo schema). */
function documentedCodes(op: OperationManifest, status: number): string[] {
  const schema = JSON.stringify(op.responses[String(status)]?.content["application/json"] ?? {});
  return [...schema.matchAll(/"code":\{"enum":\[([^\]]*)\]/g)].flatMap((m) =>
    (m[1] ?? "").split(",").map((c) => JSON.parse(c) as string),
  );
}

Then(phrase("the response is an error the operation documents"), function (this: ConformanceWorld) {
  const { response, operation } = this.sent();
  check(operation, "the last request matched no operation of the specs");
  const body = response.json as { status?: unknown; code?: unknown } | undefined;
  const where = `${operation.operationId} answered ${response.status} ${response.text.slice(0, 200)}`;
  check(response.status >= 400, `[ignored_auth] ${where}: the token was accepted`);
  check(body?.status === response.status, `${where}: the body's status is not the HTTP status`);
  const codes = documentedCodes(operation, response.status);
  check(
    codes.includes(String(body?.code)),
    `${where}: ${operation.operationId} documents ${codes.length ? codes.join(", ") : "no error"} for ${response.status}`,
  );
});
