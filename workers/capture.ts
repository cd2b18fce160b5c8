/**
 * Captures in the worker: a File (or bytes, in tests) read in chunks with FileReaderSync, never
 * whole; openCapture's pass (checks, flows, SHA-256) kept for the runs that replay it.
 */
import { CaptureError, bytesReader, openCapture, type Capture, type ChunkReader } from '../src/engine';

/** A Blob read a slice at a time (FileReaderSync exists in dedicated workers only). */
export function blobReader(b: Blob): ChunkReader {
  const FRS = (globalThis as { FileReaderSync?: new () => { readAsArrayBuffer(x: Blob): ArrayBuffer } }).FileReaderSync;
  if (!FRS) throw new CaptureError('this browser cannot read a file in the simulation worker (no FileReaderSync)');
  const fr = new FRS();
  return { size: b.size, read: (pos, len) => new Uint8Array(fr.readAsArrayBuffer(b.slice(pos, Math.min(b.size, pos + len)))) };
}

export type CaptureData = Blob | Uint8Array;

/** What identifies the same file across messages (a cloned File is a new object). */
function keyOf(data: CaptureData, name: string): string {
  const size = data instanceof Uint8Array ? data.length : data.size;
  const modified = (data as { lastModified?: number }).lastModified ?? 0;
  return `${name}\u0000${size}\u0000${modified}`;
}

/** The last capture opened, so a run after inspect (or a second run) does not read it twice. */
export class CaptureCache {
  private key = '';
  private cap: Capture | null = null;

  open(data: CaptureData, name: string): Capture {
    const k = keyOf(data, name);
    if (this.cap && k === this.key) return this.cap;
    const reader = data instanceof Uint8Array ? bytesReader(data) : blobReader(data);
    const cap = openCapture(reader, name);
    this.key = k;
    this.cap = cap;
    return cap;
  }
}
