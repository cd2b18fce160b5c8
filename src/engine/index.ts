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
export { CaptureError, PCAP_LIMITS, bytesReader, openCapture, type Capture, type CaptureInfo, type ChunkReader } from './pcap';
export { replayDurationNs, type ReplayOptions } from './pcapreplay';
export { SourceError } from './makesource';
export { lroFacts, type LroFacts } from './lroview';
