/**
 * skiff-scheduler's flags, named as kube-scheduler names them. Flags given explicitly override the --config
 * file's fields. Durations take Go's forms (500ms, 15s, 1m30s); booleans take --flag, --flag=false or
 * --flag false.
 */
import type { EngineKind } from '../core/engine.js';
import { SchedulerError } from '../errors.js';
import { parseBindAddress } from '../process/bind-address.js';
import { parseGoDuration } from '../process/go-duration.js';
import type { SchedulerProcessOptions } from '../process/process-options.js';

export const usage = `usage: skiff-scheduler [flags]

  --kubeconfig PATH                      cluster and credentials (default: $KUBECONFIG, ~/.kube/config)
  --master URL                           API server URL, overriding the kubeconfig's
  --config PATH                          a KubeSchedulerConfiguration file (YAML or JSON): profiles, plugins and
                                         weights, percentageOfNodesToScore, leaderElection, clientConnection
  --engine wasm|ts                       the scheduling core: WebAssembly (default) or its TypeScript twin
  --leader-elect BOOL                    elect a leader through a Lease before scheduling (default true)
  --leader-elect-lease-duration D        (default 15s)
  --leader-elect-renew-deadline D        (default 10s)
  --leader-elect-retry-period D          (default 2s)
  --leader-elect-resource-name NAME      (default kube-scheduler; alias --lock-object-name)
  --leader-elect-resource-namespace NS   (default kube-system; alias --lock-object-namespace)
  --metrics-bind-address HOST:PORT       /healthz, /readyz and /metrics (default 127.0.0.1:10259; port 0 picks
                                         a free one; "0" turns the server off)
  --kube-api-qps N / --kube-api-burst N  client rate limits (default 1000 / 2000; qps -1: no limit)
  --log-level LEVEL                      trace, debug, info (default), warn, error, silent
  -h, --help
`;

export interface Flags {
  help: boolean;
  logLevel: string;
  master?: string;
  options: SchedulerProcessOptions;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const BOOL_FLAGS = new Set(['--leader-elect']);

function fail(msg: string): SchedulerError {
  return new SchedulerError('InvalidFlag', msg);
}

function bool(v: string, flag: string): boolean {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw fail(`${flag}: "${v}" is not true or false`);
}

function number(v: string, flag: string, { integer, min }: { integer: boolean; min: number }): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) throw fail(`${flag}: "${v}" is not ${integer ? 'a whole number' : 'a number'}`);
  if (n < min) throw fail(`${flag}: must be at least ${min}, got ${v}`);
  return n;
}

function duration(v: string, flag: string): number {
  const ms = parseGoDuration(v, flag, 'InvalidFlag');
  if (ms <= 0) throw fail(`${flag}: must be greater than zero`);
  return ms;
}

export function parseFlags(argv: readonly string[]): Flags {
  const f: Flags = { help: false, logLevel: 'info', options: {} };
  const o = f.options;
  const le: NonNullable<SchedulerProcessOptions['leaderElection']> = {};
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === '-h' || a === '--help') {
      f.help = true;
      continue;
    }
    if (!a.startsWith('--')) throw fail(`unexpected argument "${a}"`);
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = (): string => {
      if (value !== undefined) return value;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw fail(`${a} needs a value`);
      i++;
      return v;
    };
    if (BOOL_FLAGS.has(a) && value === undefined) {
      // Go's bool flags stand alone; `--leader-elect false` (two words) is accepted too.
      const v = argv[i + 1];
      value = v === 'true' || v === 'false' ? (i++, v) : 'true';
    }
    switch (a) {
      case '--kubeconfig':
        o.kubeconfig = next();
        break;
      case '--master':
        f.master = next();
        if (!/^https?:\/\/[^/]+/.test(f.master)) throw fail(`--master: "${f.master}" is not an http(s) URL`);
        break;
      case '--config':
        o.configFile = next();
        break;
      case '--engine': {
        const e = next();
        if (e !== 'wasm' && e !== 'ts') throw fail(`--engine: "${e}" is not wasm or ts`);
        o.engine = e as EngineKind;
        break;
      }
      case '--leader-elect':
        o.leaderElect = bool(next(), a);
        break;
      case '--leader-elect-lease-duration':
        le.leaseDurationMs = duration(next(), a);
        break;
      case '--leader-elect-renew-deadline':
        le.renewDeadlineMs = duration(next(), a);
        break;
      case '--leader-elect-retry-period':
        le.retryPeriodMs = duration(next(), a);
        break;
      case '--leader-elect-resource-name':
      case '--lock-object-name':
        le.resourceName = next();
        if (!le.resourceName) throw fail(`${a}: must not be empty`);
        break;
      case '--leader-elect-resource-namespace':
      case '--lock-object-namespace':
        le.resourceNamespace = next();
        if (!le.resourceNamespace) throw fail(`${a}: must not be empty`);
        break;
      case '--metrics-bind-address':
        o.metricsBindAddress = next();
        parseBindAddress(o.metricsBindAddress, a, 'InvalidFlag');
        break;
      case '--kube-api-qps': {
        const q = number(next(), a, { integer: false, min: -1 });
        if (q === 0) throw fail(`${a}: must be above zero, or -1 for no limit`);
        o.qps = q;
        break;
      }
      case '--kube-api-burst':
        o.burst = number(next(), a, { integer: true, min: 1 });
        break;
      case '--log-level':
        f.logLevel = next();
        if (!LOG_LEVELS.includes(f.logLevel)) throw fail(`--log-level: "${f.logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
        break;
      default:
        throw fail(`unknown flag ${a}`);
    }
  }
  if (Object.keys(le).length > 0) o.leaderElection = le;
  return f;
}
