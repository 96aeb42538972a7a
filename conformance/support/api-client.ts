import type { TargetConfig, TokenProfile } from "../config/target-config.ts";
import type { TokenProvider } from "../tokens/token-provider.ts";
import type { Contract } from "./contract.ts";
import { type Exchange, sendRequest } from "./http-exchange.ts";

/** One call by operationId, outside the scenario's own request (preconditions, cleanup, probes). */
export interface ApiCall {
  readonly operationId: string;
  readonly pathParams?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Whose token to send. Default `valid`. */
  readonly profile?: TokenProfile;
}

export interface ApiClient {
  call(call: ApiCall): Promise<Exchange>;
}

/** Fills `{name}` segments of a path template; values are percent-encoded as path segments. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`No value for path parameter ${name} of ${template}`);
    return encodeURIComponent(value);
  });
}

export function createApiClient(config: TargetConfig, contract: Contract, tokens: TokenProvider): ApiClient {
  return {
    async call({ operationId, pathParams = {}, headers = {}, body, profile = "valid" }) {
      const operation = contract.operation(operationId);
      const token = await tokens.token(profile);
      return sendRequest(
        {
          method: operation.method.toUpperCase(),
          url: `${config.apiRoot}${fillPath(operation.fullPath, pathParams)}`,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        },
        config.timeouts.requestMs,
      );
    },
  };
}
