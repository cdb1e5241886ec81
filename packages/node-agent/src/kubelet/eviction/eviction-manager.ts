/**
 * The kubelet's eviction manager. Every monitoring interval (10 s) it observes the signals and judges them against
 * the thresholds (pressure-tracker.ts); the pressure conditions it arrives at are what the node reports and what
 * admission goes by. When a threshold calls for reclaiming (hard: at once; soft: after its grace period), it evicts
 * at most one pod per interval:
 *
 *   1. the starved resource: memory's thresholds first, then the others in configuration order
 *   2. the node's active pods (running here, not terminal, not being deleted), ranked for it (ranking.ts)
 *   3. the first that is not critical (pod-priority.ts) is evicted: a Warning "Evicted" event with the message
 *      (eviction-message.ts), then its containers are killed with a grace period of 0 for a hard threshold, or
 *      min(terminationGracePeriodSeconds, --eviction-max-pod-grace-period) for a soft one, and its status becomes
 *      Failed/Evicted with a DisruptionTarget condition. The pod object stays.
 *
 * Critical pods are skipped, never evicted: when only they are left, pressure persists and the manager says so.
 * A threshold with a minimum reclaim stays met until the signal is that far past it (pressure-tracker.ts), so
 * evictions go on until that much is reclaimed.
 *
 * Not done (the kubelet does these): reclaiming node-level resources first (image garbage collection before
 * evicting for disk: Skiff pulls from no registry, so a removed image could not come back; dead containers are
 * collected per pod as they exit), and memory threshold notifications from the kernel (memcg thresholds); signals
 * are only polled.
 */
import type { Logger } from 'pino';
import type { EventType } from '../pods/pod-context.js';
import { admitUnderPressure, type AdmitResult, type PodAdmission } from './admission.js';
import type { EvictionConfig } from './eviction-config.js';
import { evictedStatus, type TerminalStatus } from './evicted-status.js';
import { evictionMessage } from './eviction-message.js';
import { isCriticalPod } from './pod-priority.js';
import { PressureTracker, type PressureView } from './pressure-tracker.js';
import { rankForEviction } from './ranking.js';
import { SIGNAL_RESOURCE, type Observations, type PressureCondition } from './signals.js';
import type { EvictionStatsSource } from './stats-source.js';
import { describeThreshold, type Threshold } from './thresholds.js';

export interface EvictionManagerDeps {
  config: EvictionConfig;
  stats: EvictionStatsSource;
  /** The pods running on this node that could be evicted (not terminal, not being deleted). */
  activePods(): any[];
  /** Ends the pod (kill, status); resolves true once done, false when the pod could not be evicted. */
  evict(pod: any, graceSeconds: number, status: TerminalStatus): Promise<boolean>;
  event(pod: any, type: EventType, reason: string, message: string): void;
  /** The pressure conditions changed (the node status should say so soon). */
  onPressureChange?(conditions: ReadonlySet<PressureCondition>): void;
  now?(): number;
  logger: Logger;
}

export interface SyncResult {
  view: PressureView;
  /** The pod evicted in this round, if any. */
  evicted?: any;
}

const CLEANUP_SLACK_MS = 30_000;

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Memory first (it runs out fastest and takes the node with it), then in configuration order. */
function byEvictionPriority(thresholds: Threshold[]): Threshold[] {
  return [...thresholds].sort((a, b) => Number(b.signal === 'memory.available') - Number(a.signal === 'memory.available'));
}

export class EvictionManager implements PodAdmission {
  private readonly tracker: PressureTracker;
  private readonly now: () => number;
  private conditions = new Set<PressureCondition>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();
  private lastStuckLog = '';

  constructor(private readonly deps: EvictionManagerDeps) {
    this.tracker = new PressureTracker(deps.config.thresholds, deps.config.pressureTransitionPeriodMs);
    this.now = deps.now ?? Date.now;
  }

  /** The node's pressure conditions as of the last observation. */
  pressure(): ReadonlySet<PressureCondition> {
    return this.conditions;
  }

  admit(pod: any): AdmitResult {
    return admitUnderPressure(pod, this.conditions);
  }

  /** Observes the signals and updates the conditions, without evicting (the agent's first look, before pods run). */
  async observe(): Promise<PressureView> {
    return this.judge(await this.deps.stats.node());
  }

  /** One round: observe, and evict one pod if a threshold calls for it. */
  async synchronize(): Promise<SyncResult> {
    const observations = await this.deps.stats.node();
    const view = this.judge(observations);
    if (view.reclaim.length === 0) {
      this.lastStuckLog = '';
      return { view };
    }
    const threshold = byEvictionPriority(view.reclaim)[0]!;
    const resource = SIGNAL_RESOURCE[threshold.signal];
    const pods = this.deps.activePods();
    const usage = pods.length ? await this.deps.stats.pods(pods) : new Map();
    for (const pod of rankForEviction(pods, resource, usage)) {
      if (isCriticalPod(pod)) continue;
      const grace = threshold.hard ? 0 : Math.min(pod.spec?.terminationGracePeriodSeconds ?? 30, this.deps.config.maxPodGracePeriodSeconds);
      const message = evictionMessage(resource, pod, usage.get(pod.metadata.uid), view.reclaim, observations);
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      this.deps.logger.info({ pod: key, threshold: describeThreshold(threshold), grace }, 'eviction manager: evicting pod');
      this.deps.event(pod, 'Warning', 'Evicted', message);
      if (await this.evictBounded(pod, grace, evictedStatus(message, rfc3339(this.now())))) return { view, evicted: pod };
    }
    const why = `${describeThreshold(threshold)}: ${pods.length ? 'only critical pods left' : 'no pods'}`;
    if (why !== this.lastStuckLog) this.deps.logger.warn({ threshold: describeThreshold(threshold) }, `eviction manager: unable to evict any pods from the node (${why})`);
    this.lastStuckLog = why;
    return { view };
  }

  start(): void {
    const tick = () => {
      this.running = this.synchronize()
        .catch((err: Error) => this.deps.logger.warn({ err: err.message }, 'eviction manager: synchronize failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.deps.config.monitoringIntervalMs);
        });
    };
    this.timer = setTimeout(tick, this.deps.config.monitoringIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private judge(observations: Observations): PressureView {
    const view = this.tracker.update(observations, this.now());
    const changed = view.conditions.size !== this.conditions.size || [...view.conditions].some((c) => !this.conditions.has(c));
    this.conditions = view.conditions;
    if (changed) {
      this.deps.logger.info({ conditions: [...view.conditions] }, 'eviction manager: node pressure conditions changed');
      this.deps.onPressureChange?.(view.conditions);
    }
    return view;
  }

  /** The eviction, waited for at most the grace period plus 30 s; a pod still stopping then counts as evicted. */
  private async evictBounded(pod: any, graceSeconds: number, status: TerminalStatus): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        this.deps.logger.warn({ pod: `${pod.metadata.namespace}/${pod.metadata.name}` }, 'eviction manager: pod is taking long to stop; moving on');
        resolve(true);
      }, graceSeconds * 1000 + CLEANUP_SLACK_MS);
    });
    try {
      return await Promise.race([this.deps.evict(pod, graceSeconds, status), bound]);
    } finally {
      clearTimeout(timer);
    }
  }
}
