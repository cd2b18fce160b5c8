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
export { STAGES, type Stage } from './costs';
export * from './trace';
export * from './traceexport';
export * from './tracelayout';
export * from './tracenames';
export * from './traceexplain';
export { validateChromeTrace, KNOWN_PHASES, type TraceCheck } from './tracevalidate';
export { synthTrace, synthRecorder, type SynthOptions } from './tracesynth';
