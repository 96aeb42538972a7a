import {
  After,
  AfterAll,
  Before,
  BeforeAll,
  BeforeStep,
  Status,
  setDefaultTimeout,
  setDefinitionFunctionWrapper,
  setWorldConstructor,
} from "@cucumber/cucumber";
import { checkNotifications, probeLedger } from "../checks/observe-exchange.ts";
import {
  DEFECT_AS_EXPECTED,
  DEFECT_PASSED,
  defectLabel,
  defectOf,
  isExpectedFailure,
} from "../run/known-defects.ts";
import { closeRunContext, openRunContext, type WorldParameters } from "../support/run-context.ts";
import { ConformanceWorld } from "../support/world.ts";

/**
 * The scenario life cycle: the run context opens once, each scenario gets a fresh World seeded by
 * its identity, and what a scenario created is removed after it.
 *
 * Listed upstream defects (conformance/known-defects.yaml) run for real. Unless the run is
 * `--strict`, the failure the defect causes (its step, its assertion) is reported as SKIPPED with the
 * defect attached; any other failure fails the scenario, saying it was listed; a pass is reported as
 * SKIPPED with a note that the defect did not show. No report shows a listed scenario as passed.
 */

setWorldConstructor(ConformanceWorld);
setDefaultTimeout(30_000);

BeforeAll(async function () {
  await openRunContext(this.parameters as unknown as WorldParameters);
});

AfterAll(async () => {
  await closeRunContext();
});

Before(function (this: ConformanceWorld, { pickle }) {
  const stopAfter = this.parameters.stopAfterFailures;
  if (stopAfter !== undefined && this.run.failures >= stopAfter) return "skipped";
  this.startScenario(pickle.name, pickle.uri);
  const { knownDefects, strictDefects } = this.parameters;
  this.defect = strictDefects
    ? undefined
    : defectOf(knownDefects, { uri: pickle.uri, name: pickle.name, tags: pickle.tags.map((t) => t.name) });
  return undefined;
});

BeforeStep(function (this: ConformanceWorld, { pickleStep }) {
  this.currentStep = pickleStep.text;
});

After(async function (this: ConformanceWorld, { result }) {
  if (result?.status === Status.FAILED) this.run.failures++;
  try {
    // The coherence checks read back what a passing scenario left (checks/observe-exchange.ts).
    if (result?.status === Status.PASSED && !this.defect) {
      await probeLedger(this.ledger, this.run.client);
      const path = this.run.sink ? new URL(this.sinkUrl).pathname : undefined;
      const received = this.run.sink?.receiver.requests().filter((r) => r.path === path) ?? [];
      checkNotifications(this.ledger, received);
    }
  } finally {
    await this.cleanUp();
  }
  if (this.defect && result?.status === Status.PASSED) {
    await this.attach(
      `${DEFECT_PASSED} ${defectLabel(this.defect)} (${this.defect.spec}): ${this.defect.reason}\nThe scenario's steps passed against this target: the listed failure ("${this.defect.step}") did not show.`,
    );
    return "skipped";
  }
  return undefined;
});

type StepFunction = (this: ConformanceWorld, ...args: unknown[]) => unknown;

setDefinitionFunctionWrapper((fn: StepFunction) => {
  return async function (this: ConformanceWorld, ...args: unknown[]) {
    if (!(this instanceof ConformanceWorld) || !this.defect) return fn.apply(this, args);
    try {
      return await fn.apply(this, args);
    } catch (error) {
      const defect = this.defect;
      const message = (error as Error).message;
      if (!isExpectedFailure(defect, this.currentStep, message)) {
        // Another failure than the listed one: the defect does not explain it, so it is not hidden.
        (error as Error).message =
          `Listed as upstream defect ${defectLabel(defect)}, expected to fail at "${defect.step}" with ${defect.assertion}, but failed at "${this.currentStep}": ${message}`;
        throw error;
      }
      await this.attach(
        `${DEFECT_AS_EXPECTED} ${defectLabel(defect)} (${defect.spec}): ${defect.reason}\nAs expected, "${defect.step}" failed: ${message}`,
      );
      return "skipped";
    }
  };
});
