import { describe, expect, it } from 'vitest';
import { parseFlags, type Flags } from './flags.js';

describe('parseFlags', () => {
  it.each<{ args: string[]; check: (f: Flags) => void }>([
    { args: [], check: (f) => expect(f).toEqual({ help: false, logLevel: 'info', options: {} }) },
    { args: ['--leader-elect=false'], check: (f) => expect(f.options.leaderElect).toBe(false) },
    { args: ['--leader-elect', 'false', '--engine', 'ts'], check: (f) => expect([f.options.leaderElect, f.options.engine]).toEqual([false, 'ts']) },
    { args: ['--leader-elect', '--engine=wasm'], check: (f) => expect([f.options.leaderElect, f.options.engine]).toEqual([true, 'wasm']) },
    {
      args: ['--lock-object-namespace', 'sched', '--lock-object-name=mine', '--leader-elect-retry-period', '500ms', '--leader-elect-lease-duration', '1m'],
      check: (f) => expect(f.options.leaderElection).toEqual({ resourceNamespace: 'sched', resourceName: 'mine', retryPeriodMs: 500, leaseDurationMs: 60_000 }),
    },
    { args: ['--config', '/etc/s.yaml', '--kubeconfig', '/k'], check: (f) => expect([f.options.configFile, f.options.kubeconfig]).toEqual(['/etc/s.yaml', '/k']) },
    { args: ['--metrics-bind-address', '127.0.0.1:0', '--kube-api-qps', '-1', '--kube-api-burst', '10'], check: (f) => expect([f.options.metricsBindAddress, f.options.qps, f.options.burst]).toEqual(['127.0.0.1:0', -1, 10]) },
    { args: ['--master', 'http://127.0.0.1:6443', '--log-level', 'debug', '-h'], check: (f) => expect([f.master, f.logLevel, f.help]).toEqual(['http://127.0.0.1:6443', 'debug', true]) },
  ])('parses $args', ({ args, check }) => check(parseFlags(args)));

  it.each([
    [['--nope'], /unknown flag --nope/],
    [['--engine', 'gpu'], /--engine: "gpu" is not wasm or ts/],
    [['--leader-elect=maybe'], /"maybe" is not true or false/],
    [['--leader-elect-renew-deadline', '10'], /"10" is not a duration/],
    [['--kube-api-qps', '0'], /must be above zero/],
    [['--kube-api-burst', 'lots'], /not a whole number/],
    [['--metrics-bind-address', 'localhost'], /is not an address/],
    [['--metrics-bind-address', '127.0.0.1:70000'], /port above 65535/],
    [['--log-level', 'loud'], /is not one of/],
    [['--master', 'ftp://x'], /not an http\(s\) URL/],
    [['--kubeconfig'], /needs a value/],
    [['--config', '--engine', 'ts'], /--config needs a value/],
    [['stray'], /unexpected argument "stray"/],
  ])('refuses %j', (args, message) => expect(() => parseFlags(args)).toThrow(message));
});
