/**
 * Admission for the runtime's costly start work: pod sandboxes (netns, CNI plugins) and container create/start
 * (rootfs, runc). That work is CPU-bound in the programs it runs, so starting a burst of pods all at once only
 * shares the cores among them: every pod finishes at about the same late moment. At most `parallel` operations run
 * at once here, and a waiting container start goes before a waiting container create, which goes before a waiting
 * sandbox: a pod that has begun is finished before new pods begin, so pods become Running one after another while
 * the total time stays what the cores allow.
 *
 * An operation that takes longer than `holdMs` (a hung plugin, say) gives its slot up and runs on uncounted, so one
 * stuck start never stops the node from starting others.
 */
export type StartStage = 'start-container' | 'create-container' | 'run-sandbox';

/** Lower runs first. */
const STAGE_ORDER: Record<StartStage, number> = { 'start-container': 0, 'create-container': 1, 'run-sandbox': 2 };

export class StartGate {
  private running = 0;
  /** One FIFO per stage, indexed by STAGE_ORDER. */
  private readonly waiting: Array<Array<() => void>> = [[], [], []];

  constructor(
    readonly parallel: number,
    private readonly holdMs = 30_000,
  ) {
    if (!Number.isInteger(parallel) || parallel < 1) {
      throw new RangeError(`the number of parallel pod starts must be a whole number of at least 1, not ${parallel}`);
    }
  }

  /** Operations running now, and waiting for a turn. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.reduce((n, q) => n + q.length, 0) };
  }

  async run<T>(stage: StartStage, work: () => Promise<T>): Promise<T> {
    if (this.running >= this.parallel) await new Promise<void>((turn) => this.waiting[STAGE_ORDER[stage]]!.push(turn));
    else this.running++;
    let held = true;
    const giveUp = () => {
      if (!held) return;
      held = false;
      this.release();
    };
    const overdue = setTimeout(giveUp, this.holdMs);
    overdue.unref();
    try {
      return await work();
    } finally {
      clearTimeout(overdue);
      giveUp();
    }
  }

  /** Hands the slot straight to the next waiter (so `running` never dips and lets a newcomer jump the queue). */
  private release(): void {
    for (const queue of this.waiting) {
      const next = queue.shift();
      if (next) {
        next();
        return;
      }
    }
    this.running--;
  }
}
