import { cpuSeconds, machineJiffies, spawnTs, type BenchProcess } from './processes';
import type { ChildMessage, LoadResult, LoadSpec } from './load-spec';

export interface MeasuredRun extends LoadResult {
  /** CPU each watched process used during the window, in cores (1 = one core busy). */
  cpu: Record<string, number>;
  /** Fraction of the whole machine (all CPUs) busy during the window, including other users. */
  machineBusy: number;
  /** The window on CLOCK_MONOTONIC in µs (the clock of V8 CPU profiles), as seen by this process. */
  monotonicUs: [number, number];
}

/** The parent's handle on the load generator process (loadgen/loadgen-main.ts). */
export class LoadGenerator {
  private nextId = 0;
  private listeners = new Set<(message: ChildMessage) => void>();

  private constructor(readonly process: BenchProcess) {
    process.child.on('message', (message: ChildMessage) => {
      for (const listener of this.listeners) listener(message);
    });
  }

  static async start(): Promise<LoadGenerator> {
    const proc = spawnTs('bench/loadgen/loadgen-main.ts', { ipc: true, label: 'load generator' });
    const generator = new LoadGenerator(proc);
    await generator.next((m) => m.type === 'ready', 30_000);
    return generator;
  }

  get pid(): number {
    return this.process.pid;
  }

  /**
   * Runs one load and measures, over its window, the CPU of `watched` processes (label → pid).
   * `onMark` runs when the spec's `markAtMs` passes.
   */
  async run(spec: LoadSpec, watched: Record<string, number> = {}, onMark?: () => void): Promise<MeasuredRun> {
    const id = ++this.nextId;
    let startCpu: Record<string, number> = {};
    let endCpu: Record<string, number> = {};
    let startMachine = machineJiffies();
    let endMachine = startMachine;
    let startAt = 0;
    let endAt = 0;
    let startMono = 0;
    let endMono = 0;
    const snapshot = () => Object.fromEntries(Object.entries(watched).map(([label, pid]) => [label, cpuSeconds(pid)]));
    const listener = (message: ChildMessage) => {
      if (!('id' in message) || message.id !== id) return;
      if (message.type === 'window-start') {
        startCpu = snapshot();
        startMachine = machineJiffies();
        startAt = performance.now();
        startMono = Number(process.hrtime.bigint() / 1000n);
      } else if (message.type === 'window-end') {
        endCpu = snapshot();
        endMachine = machineJiffies();
        endAt = performance.now();
        endMono = Number(process.hrtime.bigint() / 1000n);
      } else if (message.type === 'mark') onMark?.();
    };
    this.listeners.add(listener);
    try {
      this.process.child.send({ type: 'run', id, spec });
      const reply = await this.next((m) => (m.type === 'result' || m.type === 'error') && m.id === id, spec.warmupMs + spec.durationMs + 600_000);
      if (reply.type === 'error') throw new Error(`load generator failed: ${reply.message}`);
      if (reply.type !== 'result') throw new Error('unexpected reply');
      const seconds = (endAt - startAt) / 1000;
      const cpu = Object.fromEntries(Object.keys(watched).map((label) => [label, (endCpu[label]! - startCpu[label]!) / seconds]));
      const machineBusy = (endMachine.busy - startMachine.busy) / Math.max(1, endMachine.total - startMachine.total);
      return { ...reply.result, cpu, machineBusy, monotonicUs: [startMono, endMono] };
    } finally {
      this.listeners.delete(listener);
    }
  }

  async closePools(): Promise<void> {
    this.process.child.send({ type: 'close-pools' });
    await this.next((m) => m.type === 'pools-closed', 30_000);
  }

  async stop(): Promise<void> {
    this.process.child.disconnect();
    await this.process.stop();
  }

  private next(match: (message: ChildMessage) => boolean, timeoutMs: number): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`load generator did not answer within ${timeoutMs} ms:\n${this.process.output}`));
      }, timeoutMs);
      const listener = (message: ChildMessage) => {
        if (!match(message)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(message);
      };
      this.listeners.add(listener);
      void this.process.exited.then(() => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        reject(new Error(`load generator exited:\n${this.process.output}`));
      });
    });
  }
}
