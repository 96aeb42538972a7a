import { When } from "@cucumber/cucumber";
import { sendScenarioRequest } from "../support/request-builder.ts";
import type { ConformanceWorld } from "../support/world.ts";
import { phrase } from "./step-phrase.ts";
import { parseJsonDocument } from "./step-values.ts";

/** Request sending (API-Testing-Guidelines §Request sending), three ways of naming the request. */

When(
  phrase("the request {string} is sent until the response status code is {int}, at most {int} times"),
  { timeout: 300_000 },
  async function (this: ConformanceWorld, operationId: string, status: string, most: string) {
    // Bounded on purpose: a target that never answers `status` fails the next step instead of looping.
    for (let i = 0; i < Number(most); i++) {
      const { response } = await sendScenarioRequest(this, { kind: "operation", operationId });
      if (response.status === Number(status)) return;
    }
  },
);

When(phrase("the request {string} is sent"), async function (this: ConformanceWorld, operationId: string) {
  await sendScenarioRequest(this, { kind: "operation", operationId });
});

When(phrase("the HTTP {string} request is sent"), async function (this: ConformanceWorld, method: string) {
  await sendScenarioRequest(this, { kind: "resource", method });
});

// Two definitions, one per arity: cucumber tells a DocString argument from a callback by the
// function's length, so the form with a payload cannot share the plain form's function.
When(
  phrase("the client sends a {word} request to {string}"),
  async function (this: ConformanceWorld, method: string, path: string) {
    await sendScenarioRequest(this, { kind: "path", method, path });
  },
);

When(
  phrase("the client sends a {word} request to {string} with the following payload:"),
  async function (this: ConformanceWorld, method: string, path: string, payload: string) {
    this.draft.body = { kind: "json", value: parseJsonDocument(payload, (t) => this.interpolate(t)) };
    await sendScenarioRequest(this, { kind: "path", method, path });
  },
);
