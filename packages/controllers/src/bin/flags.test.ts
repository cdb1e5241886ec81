import { describe, expect, it } from 'vitest';
import { CONTROLLER_NAMES } from '../options.js';
import { parseDuration, parseFlags } from './flags.js';

describe('parseFlags', () => {
  it.each([
    { args: [], check: (f: ReturnType<typeof parseFlags>) => expect(f.options.leaderElection).toEqual({}) },
    { args: ['--leader-elect=false'], check: (f: ReturnType<typeof parseFlags>) => expect(f.options.leaderElection).toBe(false) },
    {
      args: ['--leader-elect-lease-duration', '30s', '--leader-elect-renew-deadline=20s', '--leader-elect-retry-period', '500ms'],
      check: (f: ReturnType<typeof parseFlags>) => expect(f.options.leaderElection).toEqual({ leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 500 }),
    },
    { args: ['--controllers', '*,-cronjob,-job'], check: (f: ReturnType<typeof parseFlags>) => expect(f.options.controllers).toEqual(CONTROLLER_NAMES.filter((c) => c !== 'cronjob' && c !== 'job')) },
    { args: ['--controllers=deployment,replicaset'], check: (f: ReturnType<typeof parseFlags>) => expect(f.options.controllers).toEqual(['deployment', 'replicaset']) },
    { args: ['--concurrent-deployment-syncs', '10', '--concurrent-gc-syncs=40'], check: (f: ReturnType<typeof parseFlags>) => expect(f.options.workers).toEqual({ deployment: 10, garbagecollector: 40 }) },
    {
      args: ['--node-monitor-grace-period', '2m', '--default-toleration-seconds', '5', '--cluster-cidr', '10.8.0.0/16', '--node-cidr-mask-size', '26'],
      check: (f: ReturnType<typeof parseFlags>) => expect(f.options.nodeLifecycle).toEqual({ gracePeriodMs: 120_000, defaultTolerationSeconds: 5, clusterCidr: '10.8.0.0/16', nodeCidrMaskSize: 26 }),
    },
    {
      args: ['--horizontal-pod-autoscaler-sync-period', '30s', '--horizontal-pod-autoscaler-tolerance=0.05', '--horizontal-pod-autoscaler-downscale-stabilization', '1m', '--concurrent-horizontal-pod-autoscaler-syncs', '3'],
      check: (f: ReturnType<typeof parseFlags>) => {
        expect(f.options.horizontalPodAutoscaler).toEqual({ syncPeriodMs: 30_000, tolerance: 0.05, downscaleStabilizationMs: 60_000 });
        expect(f.options.workers).toEqual({ horizontalpodautoscaling: 3 });
      },
    },
    { args: ['--master', 'http://127.0.0.1:6443', '--log-level', 'debug'], check: (f: ReturnType<typeof parseFlags>) => expect([f.master, f.logLevel]).toEqual(['http://127.0.0.1:6443', 'debug']) },
  ])('parses $args', ({ args, check }) => check(parseFlags(args)));

  it.each([
    [['--nope'], /unknown flag --nope/],
    [['--controllers', 'deployment,teleport'], /unknown controller "teleport"/],
    [['--concurrent-teleport-syncs', '3'], /unknown controller/],
    [['--kube-api-burst', 'lots'], /not a whole number/],
    [['--kubeconfig'], /needs a value/],
    [['stray'], /unexpected argument/],
  ])('refuses %j', (args, message) => {
    expect(() => parseFlags(args)).toThrow(message);
  });

  it.each([
    ['500ms', 500],
    ['40s', 40_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7', 7000],
  ])('reads the duration %s as %d ms', (v, ms) => expect(parseDuration(v, '--x')).toBe(ms));
});
