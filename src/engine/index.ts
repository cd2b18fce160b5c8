/** The engine's public surface: the Worker, the CLI, tests and benchmarks import from here only. */
export * from './scenario';
export * from './link';
export * from './metrics';
export * from './sim';
export * from './presets';
export * from './version';
export { lineRatePps, frameTimeNs, WIRE_OVERHEAD_BYTES } from './wire';
export * from './sweep';
export { stateBytes } from './footprint';
export { PARAM_SPECS, PARAMS, defaultParams, paramSpec, STAGES, STAGE_LABELS, type Params, type ParamSpec, type ParamKind, type Stage } from './costs';
export { DROP_LOCATIONS, DROP_LABELS, type DropLocation } from './ledger';
export type * from './report';
export * from './measured';
export { csvField, csvRow, csvTable, columnsCsv, neutralise } from './csv';
export { closeMatches, didYouMean, levenshtein } from './suggest';
export { DEFAULT_MEMORY_BUDGET_MIB, ESTIMATE_FACTOR, MIB, estimateStateBytes, largestParts, memoryBudgetProblem, mib, type StateEstimate } from './budget';
