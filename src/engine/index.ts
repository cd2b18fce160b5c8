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
export { csvField, csvRow, csvTable, columnsCsv, neutralise } from './csv';
export { closeMatches, didYouMean, levenshtein } from './suggest';
export { DEFAULT_MEMORY_BUDGET_MIB, ESTIMATE_FACTOR, MIB, estimateStateBytes, largestParts, memoryBudgetProblem, mib, type StateEstimate } from './budget';
