import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSchedulerError, type SchedulerErrorCode } from '../errors.js';
import { resolveConfig } from '../framework/profile.js';
import { loadConfigFile, readProcessSettings } from './config-file.js';
import { parseGoDuration } from './go-duration.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-sched-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function file(text: string): string {
  const p = join(dir, `config-${n++}.yaml`);
  writeFileSync(p, text);
  return p;
}

const HEAD = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

describe('loadConfigFile', () => {
  it('reads profiles, plugin weights, percentageOfNodesToScore and the process settings from YAML', () => {
    const config = loadConfigFile(
      file(`${HEAD}percentageOfNodesToScore: 30
leaderElection:
  leaderElect: true
  leaseDuration: 30s
  renewDeadline: 20s
  retryPeriod: 500ms
  resourceName: my-scheduler
  resourceNamespace: sched
clientConnection:
  qps: 250
  burst: 500
metricsBindAddress: 127.0.0.1:0
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      enabled:
      - name: NodeResourcesFit
        weight: 7
- schedulerName: packer
  percentageOfNodesToScore: 100
`),
    );
    const resolved = resolveConfig(config);
    expect(resolved.profiles.map((p) => p.schedulerName)).toEqual(['default-scheduler', 'packer']);
    expect(resolved.profiles[0]!.weights.get('NodeResourcesFit')).toBe(7);
    expect(resolved.profiles[0]!.core.percentage).toBe(30);
    expect(resolved.profiles[1]!.core.percentage).toBe(100);
    expect(readProcessSettings(config)).toEqual({
      leaderElection: { leaderElect: true, leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 500, resourceName: 'my-scheduler', resourceNamespace: 'sched' },
      clientConnection: { kubeconfig: undefined, qps: 250, burst: 500 },
      metricsBindAddress: '127.0.0.1:0',
      healthzBindAddress: undefined,
      delayCacheUntilActive: false,
    });
  });

  it('reads the same configuration written as JSON', () => {
    const config = loadConfigFile(file(JSON.stringify({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [{ schedulerName: 'x' }] })));
    expect(resolveConfig(config).profiles[0]!.schedulerName).toBe('x');
  });

  const bad: { name: string; text: string; code: SchedulerErrorCode; message: RegExp }[] = [
    { name: 'an unknown plugin', text: `${HEAD}profiles:\n- plugins:\n    score:\n      enabled:\n      - name: Teleport\n`, code: 'UnknownPlugin', message: /profiles\[0\]\.plugins\.score\.enabled\[0\].*"Teleport" is not a registered plugin/ },
    { name: 'a negative plugin weight', text: `${HEAD}profiles:\n- plugins:\n    score:\n      enabled:\n      - name: ImageLocality\n        weight: -3\n`, code: 'InvalidConfig', message: /enabled\[0\]\.weight: must be in the range/ },
    { name: 'percentageOfNodesToScore above 100', text: `${HEAD}percentageOfNodesToScore: 150\n`, code: 'InvalidConfig', message: /percentageOfNodesToScore: must be in the range \[0, 100\], got 150/ },
    { name: 'an unknown top-level field', text: `${HEAD}profilez: []\n`, code: 'InvalidConfig', message: /config\.profilez: unknown field/ },
    { name: 'a lease duration that is not a duration', text: `${HEAD}leaderElection:\n  leaseDuration: soon\n`, code: 'InvalidConfig', message: /leaseDuration: "soon" is not a duration/ },
    { name: 'a renew deadline as long as the lease', text: `${HEAD}leaderElection:\n  leaseDuration: 10s\n  renewDeadline: 10s\n`, code: 'InvalidConfig', message: /leaseDuration: must be greater than renewDeadline/ },
    { name: 'a lock other than leases', text: `${HEAD}leaderElection:\n  resourceLock: endpoints\n`, code: 'InvalidConfig', message: /only "leases" is supported/ },
    { name: 'an unknown leaderElection field', text: `${HEAD}leaderElection:\n  leaderElekt: false\n`, code: 'InvalidConfig', message: /config\.leaderElection\.leaderElekt: unknown field/ },
    { name: 'a qps that is not a number', text: `${HEAD}clientConnection:\n  qps: fast\n`, code: 'InvalidConfig', message: /clientConnection\.qps: must be a number/ },
    { name: 'a malformed metrics address', text: `${HEAD}metricsBindAddress: everywhere\n`, code: 'InvalidConfig', message: /metricsBindAddress: "everywhere" is not an address/ },
    { name: 'a missing kind', text: 'apiVersion: kubescheduler.config.k8s.io/v1\n', code: 'InvalidConfig', message: /config\.kind: is required/ },
    { name: 'an old apiVersion', text: 'apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n', code: 'InvalidConfig', message: /config\.apiVersion: must be kubescheduler\.config\.k8s\.io\/v1/ },
    { name: 'text that is not YAML', text: `${HEAD}profiles: [\n`, code: 'ConfigFile', message: /not YAML or JSON/ },
    { name: 'a list instead of an object', text: '- a\n- b\n', code: 'ConfigFile', message: /expected a KubeSchedulerConfiguration object/ },
  ];

  it.each(bad)('rejects $name', ({ text, code, message }) => {
    let err: unknown;
    try {
      loadConfigFile(file(text));
    } catch (e) {
      err = e;
    }
    expect(isSchedulerError(err, code)).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('names a file that does not exist', () => {
    expect(() => loadConfigFile(join(dir, 'missing.yaml'))).toThrow(/missing\.yaml: no such file/);
  });
});

describe('parseGoDuration', () => {
  it.each([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['250us', 0.25],
  ])('reads %s as %d ms', (text, ms) => expect(parseGoDuration(text, 'f')).toBe(ms));

  it.each(['15', 's', '1x', '', '1m 30s'])('refuses %j', (text) => expect(() => parseGoDuration(text, 'f')).toThrow(/is not a duration/));
});
