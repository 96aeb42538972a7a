/**
 * The faults the mutating proxy injects, one at a time, between the suite and a correct gateway
 * (or between the gateway and the suite's notification sink): the contract's (faults-contract.ts)
 * and those of meaning (faults-semantic.ts).
 */
import type { Fault } from "./fault-kit.ts";
import { CONTRACT_FAULTS } from "./faults-contract.ts";
import { SEMANTIC_FAULTS } from "./faults-semantic.ts";

export type { ApiExchange, Fault, FaultContext, FaultKind, NotificationExchange } from "./fault-kit.ts";

export const FAULTS: readonly Fault[] = [...CONTRACT_FAULTS, ...SEMANTIC_FAULTS];
