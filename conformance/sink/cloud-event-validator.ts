import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/**
 * Validates a received notification against the CloudEvent schemas of the effective
 * webrtc-events spec (generated/r2.2/webrtc-events/openapi.json), read by path.
 *
 * The conformance suite tests any gateway and so imports nothing from impl/: this is its own small
 * ajv setup. The spec's `discriminator` on `CloudEvent.type` is applied by hand (the event schema is
 * chosen from the mapping), which is what the keyword means and avoids ajv's unsupported form.
 */
export interface CloudEventValidator {
  /** Problems found, each a readable sentence; empty when the event conforms. */
  validate(event: unknown): string[];
}

const SPEC = new URL("../../generated/r2.2/webrtc-events/openapi.json", import.meta.url);

interface Spec {
  components: {
    schemas: Record<string, { discriminator?: { propertyName: string; mapping: Record<string, string> } }>;
  };
}

export function createCloudEventValidator(specFile: URL | string = SPEC): CloudEventValidator {
  const spec = JSON.parse(readFileSync(specFile, "utf8")) as Spec;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(
    { components: { schemas: spec.components.schemas } },
    "https://camara.invalid/webrtc-events.json",
  );
  const mapping = spec.components.schemas.CloudEvent?.discriminator?.mapping ?? {};
  const byType = new Map<string, ValidateFunction>();
  for (const [type, ref] of Object.entries(mapping)) {
    const validate = ajv.getSchema(`https://camara.invalid/webrtc-events.json${ref}`);
    if (validate) byType.set(type, validate);
  }
  return {
    validate(event) {
      if (typeof event !== "object" || event === null) return ["the body is not a JSON object"];
      const type = (event as { type?: unknown }).type;
      const validate = typeof type === "string" ? byType.get(type) : undefined;
      if (!validate) return [`type ${JSON.stringify(type)} is not an event type of webrtc-events`];
      if (validate(event)) return [];
      return (validate.errors ?? []).map(
        (e) => `${e.instancePath || "(event)"} ${e.message ?? "is invalid"}`,
      );
    },
  };
}
