/**
 * skiff-controller-manager flags, named after kube-controller-manager's where one exists. Durations take Go's
 * forms (500ms, 40s, 5m, 1h) or plain seconds.
 */
import { ControllerError } from '../errors.js';
import { CONTROLLER_NAMES, type ControllerManagerOptions, type ControllerName } from '../options.js';

export const usage = `usage: skiff-controller-manager [flags]

  --kubeconfig PATH                       cluster and credentials (default: $KUBECONFIG, ~/.kube/config)
  --master URL                            API server URL, overriding the kubeconfig's
  --controllers LIST                      '*' (default), names, and -name to leave one out: '*,-cronjob'
                                          (${CONTROLLER_NAMES.join(', ')})
  --leader-elect BOOL                     elect a leader through a Lease (default true)
  --leader-elect-lease-duration D         (default 15s)
  --leader-elect-renew-deadline D         (default 10s)
  --leader-elect-retry-period D           (default 2s)
  --leader-elect-resource-name NAME       (default kube-controller-manager)
  --leader-elect-resource-namespace NS    (default kube-system)
  --kube-api-qps N / --kube-api-burst N   client rate limits (default 200 / 400)
  --concurrent-<controller>-syncs N       workers of one controller, e.g. --concurrent-deployment-syncs 10
  --node-monitor-period D                 (default 5s)
  --node-monitor-grace-period D           (default 40s)
  --default-toleration-seconds N          replaces the 300 s not-ready/unreachable toleration pods get by default
  --cluster-cidr CIDR                     pod CIDR range (default 10.244.0.0/16)
  --node-cidr-mask-size N                 per-node block size (default 24)
  --horizontal-pod-autoscaler-sync-period D                 how often each HPA is reconciled (default 15s)
  --horizontal-pod-autoscaler-tolerance F                   usage ratios within 1 +/- F change nothing (default 0.1)
  --horizontal-pod-autoscaler-downscale-stabilization D     scale-down window when an HPA's behavior has none (default 5m)
  --horizontal-pod-autoscaler-cpu-initialization-period D   (default 5m)
  --horizontal-pod-autoscaler-initial-readiness-delay D     (default 30s)
  --resync-period D                       informer resync (default 0: off)
  --log-level LEVEL                       pino level (default info)
  -h, --help
`;

export interface Flags {
  help: boolean;
  kubeconfig?: string;
  master?: string;
  logLevel: string;
  options: ControllerManagerOptions;
}

export function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new ControllerError('BadOptions', `${flag}: "${v}" is not a duration`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

function parseControllers(v: string): ControllerName[] {
  const set = new Set<ControllerName>();
  const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) {
    if (p === '*') CONTROLLER_NAMES.forEach((c) => set.add(c));
    else if (p.startsWith('-')) set.delete(p.slice(1) as ControllerName);
    else if ((CONTROLLER_NAMES as readonly string[]).includes(p)) set.add(p as ControllerName);
    else throw new ControllerError('BadOptions', `--controllers: unknown controller "${p}"`);
  }
  for (const p of parts) if (p.startsWith('-') && !(CONTROLLER_NAMES as readonly string[]).includes(p.slice(1))) throw new ControllerError('BadOptions', `--controllers: unknown controller "${p.slice(1)}"`);
  return [...set];
}

/** kube-controller-manager's names in --concurrent-X-syncs where they differ from the controller's. */
const WORKERS_FLAG_ALIASES: Record<string, ControllerName> = { gc: 'garbagecollector', 'horizontal-pod-autoscaler': 'horizontalpodautoscaling' };

function fraction(v: string, flag: string): number {
  if (!/^\d+(\.\d+)?$/.test(v)) throw new ControllerError('BadOptions', `${flag}: "${v}" is not a number`);
  return Number(v);
}

function int(v: string, flag: string): number {
  if (!/^\d+$/.test(v)) throw new ControllerError('BadOptions', `${flag}: "${v}" is not a whole number`);
  return Number(v);
}

export function parseFlags(argv: string[]): Flags {
  const f: Flags = { help: false, logLevel: 'info', options: {} };
  const o = f.options;
  const le: Record<string, unknown> = {};
  let leaderElect = true;
  const nl: NonNullable<ControllerManagerOptions['nodeLifecycle']> = {};
  const workers: Partial<Record<ControllerName, number>> = {};
  const hpa: NonNullable<ControllerManagerOptions['horizontalPodAutoscaler']> = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === '-h' || a === '--help') {
      f.help = true;
      continue;
    }
    if (!a.startsWith('--')) throw new ControllerError('BadOptions', `unexpected argument "${a}"`);
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new ControllerError('BadOptions', `${a} needs a value`);
      return v;
    };
    const workersFlag = /^--concurrent-(.+)-syncs$/.exec(a);
    if (workersFlag) {
      const name = (WORKERS_FLAG_ALIASES[workersFlag[1]!] ?? workersFlag[1]) as ControllerName;
      if (!(CONTROLLER_NAMES as readonly string[]).includes(name)) throw new ControllerError('BadOptions', `${a}: unknown controller`);
      workers[name] = int(next(), a);
      continue;
    }
    switch (a) {
      case '--kubeconfig': f.kubeconfig = next(); break;
      case '--master': f.master = next(); break;
      case '--controllers': o.controllers = parseControllers(next()); break;
      case '--leader-elect': leaderElect = next() !== 'false'; break;
      case '--leader-elect-lease-duration': le.leaseDurationMs = parseDuration(next(), a); break;
      case '--leader-elect-renew-deadline': le.renewDeadlineMs = parseDuration(next(), a); break;
      case '--leader-elect-retry-period': le.retryPeriodMs = parseDuration(next(), a); break;
      case '--leader-elect-resource-name': le.name = next(); break;
      case '--leader-elect-resource-namespace': le.namespace = next(); break;
      case '--kube-api-qps': o.qps = Number(next()); break;
      case '--kube-api-burst': o.burst = int(next(), a); break;
      case '--node-monitor-period': nl.monitorPeriodMs = parseDuration(next(), a); break;
      case '--node-monitor-grace-period': nl.gracePeriodMs = parseDuration(next(), a); break;
      case '--default-toleration-seconds': nl.defaultTolerationSeconds = int(next(), a); break;
      case '--cluster-cidr': nl.clusterCidr = next(); break;
      case '--node-cidr-mask-size': nl.nodeCidrMaskSize = int(next(), a); break;
      case '--horizontal-pod-autoscaler-sync-period': hpa.syncPeriodMs = parseDuration(next(), a); break;
      case '--horizontal-pod-autoscaler-tolerance': hpa.tolerance = fraction(next(), a); break;
      case '--horizontal-pod-autoscaler-downscale-stabilization': hpa.downscaleStabilizationMs = parseDuration(next(), a); break;
      case '--horizontal-pod-autoscaler-cpu-initialization-period': hpa.cpuInitializationPeriodMs = parseDuration(next(), a); break;
      case '--horizontal-pod-autoscaler-initial-readiness-delay': hpa.initialReadinessDelayMs = parseDuration(next(), a); break;
      case '--resync-period': o.resyncMs = parseDuration(next(), a); break;
      case '--log-level': f.logLevel = next(); break;
      default:
        throw new ControllerError('BadOptions', `unknown flag ${a}`);
    }
  }
  o.leaderElection = leaderElect ? le : false;
  if (Object.keys(nl).length) o.nodeLifecycle = nl;
  if (Object.keys(workers).length) o.workers = workers;
  if (Object.keys(hpa).length) o.horizontalPodAutoscaler = hpa;
  return f;
}
