/**
 * How much memory a simulation holds: the bytes of every typed array reachable from it. The
 * engine's state is struct-of-arrays allocated once at construction (rings, flow tables, LRO
 * arrays, the frame recorder), so this is the run's memory, and it does not grow while the run
 * advances (a trace recorder's arrays grow as it records, up to a capacity: their room to grow is
 * counted from the start). The worker checks it against a memory budget before the first step.
 */
import { TraceRecorder } from './trace';

export function stateBytes(root: unknown): number {
  const seen = new Set<object>();
  let reserved = 0;
  const buffers = new Set<ArrayBufferLike>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const o = stack.pop();
    if (o === null || typeof o !== 'object' || seen.has(o)) continue;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      buffers.add(o.buffer);
      continue;
    }
    if (o instanceof ArrayBuffer) {
      buffers.add(o);
      continue;
    }
    // a trace recorder's arrays grow up to its capacity: count what they may still take
    if (o instanceof TraceRecorder) reserved += o.reservedBytes;
    if (o instanceof Map || o instanceof Set) {
      for (const v of o instanceof Map ? [...o.keys(), ...o.values()] : o) stack.push(v);
      continue;
    }
    for (const v of Object.values(o)) stack.push(v);
  }
  let n = reserved;
  for (const b of buffers) n += b.byteLength;
  return n;
}
