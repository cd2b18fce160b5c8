/**
 * Test doubles for the engine Worker, shared by the Node tests of workers/ (client, faults, pool).
 * Not imported by the app.
 */
import * as Comlink from 'comlink';
import { defaultScenario, setPath, type Scenario } from '../src/engine';
import { EngineRunner } from './runner';
import { createEnginePool, type EnginePool } from './pool';

/** A short run (0.2 ms simulated) so the tests are about the plumbing, not the engine's speed. */
export const small: Scenario = setPath(defaultScenario(), 'sim.duration_ms', 0.2);

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A channel "worker" with a hook on what the page sends it. */
export type ChannelWorker = Worker & { crash(message: string): void };

/**
 * An in-process "worker": an EngineRunner exposed over a real MessageChannel. `intercept` sees
 * every message the page posts; returning true swallows it (to simulate a worker that crashes on
 * some call, say).
 */
export function channelWorker(intercept?: (msg: unknown, w: ChannelWorker) => boolean): ChannelWorker {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(new EngineRunner(), port2);
  const post = port1.postMessage.bind(port1) as (msg: unknown, transfer?: Transferable[]) => void;
  const w = Object.assign(port1, {
    terminate() {
      port1.close();
      port2.close();
    },
    crash(message: string) {
      port1.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
    },
  }) as unknown as ChannelWorker;
  if (intercept) {
    (w as unknown as { postMessage: (msg: unknown, transfer?: Transferable[]) => void }).postMessage = (msg, transfer) => {
      if (!intercept(msg, w)) post(msg, transfer);
    };
  }
  return w;
}

/** The Comlink call a page message makes: method name and raw arguments (null for other messages). */
export function comlinkCall(msg: unknown): { method: string; args: unknown[] } | null {
  const m = msg as { type?: unknown; path?: unknown; argumentList?: { type?: string; value?: unknown }[] } | null;
  if (!m || m.type !== 'APPLY' || !Array.isArray(m.path)) return null;
  return { method: String(m.path.at(-1)), args: (m.argumentList ?? []).map((a) => (a.type === 'RAW' ? a.value : undefined)) };
}

/** A worker that never answers and can be made to crash. */
export class DeadWorker extends EventTarget {
  terminated = false;
  postMessage(): void {}
  terminate(): void {
    this.terminated = true;
  }
  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), { message }));
  }
}

/**
 * Just enough of the Web Locks API, in one realm: `vanish(name)` drops a held lock as the browser
 * does when the worker holding it ends.
 */
export class FakeLocks {
  private held = new Set<string>();
  private waiting = new Map<string, (() => void)[]>();

  request(name: string, a: unknown, b?: unknown): Promise<unknown> {
    const cb = (typeof a === 'function' ? a : b) as () => unknown;
    const signal = typeof a === 'object' && a ? (a as { signal?: AbortSignal }).signal : undefined;
    return new Promise((resolve, reject) => {
      const grant = () => {
        this.held.add(name);
        Promise.resolve(cb()).then(
          (v) => {
            this.release(name);
            resolve(v);
          },
          (e: unknown) => {
            this.release(name);
            reject(e);
          },
        );
      };
      if (!this.held.has(name)) return grant();
      const q = this.waiting.get(name) ?? [];
      q.push(grant);
      this.waiting.set(name, q);
      signal?.addEventListener('abort', () => {
        const i = q.indexOf(grant);
        if (i >= 0) q.splice(i, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
    });
  }

  names(): string[] {
    return [...this.held];
  }

  waiters(name: string): number {
    return this.waiting.get(name)?.length ?? 0;
  }

  vanish(name: string): void {
    this.release(name);
  }

  private release(name: string): void {
    this.held.delete(name);
    this.waiting.get(name)?.shift()?.();
  }
}

/**
 * Real pools on channel workers for the stores' tests: `make(size)` one (no budget), `disposeAll()`
 * in afterEach.
 */
export function channelPools(): { make(size: number): EnginePool; disposeAll(): void } {
  let pools: EnginePool[] = [];
  return {
    make(size) {
      const p = createEnginePool({ size, budgetMs: 0, makeWorker: () => channelWorker() });
      pools.push(p);
      return p;
    },
    disposeAll() {
      pools.forEach((p) => p.dispose());
      pools = [];
    },
  };
}
