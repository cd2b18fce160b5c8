/**
 * CPUs as FreeBSD runs the packet path on them: each CPU has one taskqueue thread (the
 * if_io_tqg grouptask queue pinned to it) that runs its tasks one at a time in FIFO order, and
 * what it is doing now is a small stack of activities (a task pass, and inside it a drain the
 * pass's producer became the consumer of). Time on a CPU moves in steps: each step has a
 * duration and ends at a timer (Scheduler timer slot = CPU id); the model applies the step's
 * effects when it ends. This module holds the state and the bookkeeping (busy time, ns by
 * stage, the run queues); what a step does is the model's (host.ts).
 */
import { NST } from './costmodel';
import type { TraceTap } from './tracetap';

/** Deepest activity stack: a pass, a drain inside it, one spare. */
export const STACK_DEPTH = 3;

export class Cpus {
  readonly ncpu: number;
  /** Run queue per CPU: a ring of task ids (pushFront for a task that must run next). */
  private readonly rq: Int32Array;
  private readonly rqHead: Int32Array;
  readonly rqLen: Int32Array;
  private readonly rqCap: number;
  /** Activity stack per CPU: kind, argument (queue or task), progress. */
  readonly kind: Int32Array;
  readonly arg: Int32Array;
  readonly pos: Int32Array;
  readonly depth: Int32Array;
  /** Time the CPU became busy (while depth > 0), and busy time so far, ns. */
  private readonly busyFrom: Float64Array;
  readonly busyAcc: Float64Array;
  /** ns charged to each stage, per CPU (ncpu × STAGES). */
  readonly stageNs: Float64Array;
  /** Trace source (sim.trace): told of each activity's start and end. */
  tap: TraceTap | null = null;

  constructor(
    ncpu: number,
    maxTasksPerCpu: number,
    /**
     * The clock's time cell (Scheduler.timeCell): push and pop happen now. Read here rather than
     * passed: a double argument to a call V8 does not inline is boxed into a heap number.
     */
    private readonly time: Float64Array,
  ) {
    this.ncpu = ncpu;
    this.rqCap = Math.max(2, maxTasksPerCpu + 1);
    this.rq = new Int32Array(ncpu * this.rqCap);
    this.rqHead = new Int32Array(ncpu);
    this.rqLen = new Int32Array(ncpu);
    this.kind = new Int32Array(ncpu * STACK_DEPTH);
    this.arg = new Int32Array(ncpu * STACK_DEPTH);
    this.pos = new Int32Array(ncpu * STACK_DEPTH);
    this.depth = new Int32Array(ncpu);
    this.busyFrom = new Float64Array(ncpu);
    this.busyAcc = new Float64Array(ncpu);
    this.stageNs = new Float64Array(ncpu * NST);
  }

  /** Idle: nothing running and nothing queued. */
  idle(cpu: number): boolean {
    return this.depth[cpu] === 0;
  }

  /** Start an activity on top of the CPU's stack now (the CPU becomes busy if it was idle). */
  push(cpu: number, kind: number, arg: number): void {
    const now = this.time[0]!;
    const d = this.depth[cpu]!;
    if (d >= STACK_DEPTH) throw new Error(`CPU ${cpu}: activity stack overflow`);
    if (d === 0) this.busyFrom[cpu] = now;
    const i = cpu * STACK_DEPTH + d;
    this.kind[i] = kind;
    this.arg[i] = arg;
    this.pos[i] = 0;
    this.depth[cpu] = d + 1;
    if (this.tap !== null) this.tap.pushed(cpu, i, kind, arg, now);
  }

  /** The top activity is finished now; returns the remaining depth (0: the CPU went idle). */
  pop(cpu: number): number {
    const now = this.time[0]!;
    const d = this.depth[cpu]! - 1;
    this.depth[cpu] = d;
    if (d === 0) this.busyAcc[cpu]! += now - this.busyFrom[cpu]!;
    if (this.tap !== null) this.tap.popped(cpu, cpu * STACK_DEPTH + d, now);
    return d;
  }

  /** Index of the top activity in kind/arg/pos. */
  top(cpu: number): number {
    return cpu * STACK_DEPTH + this.depth[cpu]! - 1;
  }

  /** Queue a task at the tail of the CPU's taskqueue. */
  enqueue(cpu: number, task: number): void {
    const cap = this.rqCap;
    if (this.rqLen[cpu]! >= cap) throw new Error(`CPU ${cpu}: run queue overflow`);
    let slot = this.rqHead[cpu]! + this.rqLen[cpu]!;
    if (slot >= cap) slot -= cap;
    this.rq[cpu * cap + slot] = task;
    this.rqLen[cpu]! += 1;
  }

  /** Queue a task at the head (it runs next). */
  enqueueFront(cpu: number, task: number): void {
    const cap = this.rqCap;
    if (this.rqLen[cpu]! >= cap) throw new Error(`CPU ${cpu}: run queue overflow`);
    let slot = this.rqHead[cpu]! - 1;
    if (slot < 0) slot += cap;
    this.rq[cpu * cap + slot] = task;
    this.rqHead[cpu] = slot;
    this.rqLen[cpu]! += 1;
  }

  /** Take the next task of the CPU's taskqueue, or -1. */
  dequeue(cpu: number): number {
    if (this.rqLen[cpu] === 0) return -1;
    const cap = this.rqCap;
    const h = this.rqHead[cpu]!;
    const task = this.rq[cpu * cap + h]!;
    this.rqHead[cpu] = h + 1 === cap ? 0 : h + 1;
    this.rqLen[cpu]! -= 1;
    return task;
  }

  /** Bring busy time up to `t` (frame boundaries, end of run). */
  sync(t: number): void {
    for (let c = 0; c < this.ncpu; c++) {
      if (this.depth[c]! > 0) {
        this.busyAcc[c]! += t - this.busyFrom[c]!;
        this.busyFrom[c] = t;
      }
    }
  }
}
