/**
 * `kubectl top`: the node agent samples its pods' CPU and memory (/stats/summary), and the API server serves them
 * as metrics.k8s.io NodeMetrics and PodMetrics. Real runc pods, the real kubectl.
 */
import { eventually } from '@skiff/test-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeletCluster, type KubeletCluster } from '../../test-util/kubelet-cluster.js';
import { createPod, waitForPod } from '../../test-util/pods.js';

let c: KubeletCluster;

// A busy loop held to 200m by its CPU limit, bounded to 60 s, then asleep.
const BURN = 'end=$(( $(date +%s) + 60 )); while [ $(date +%s) -lt $end ]; do :; done; exec sleep 3600';

beforeAll(async () => {
  c = await startKubeletCluster();
  await createPod(c, 'burner', { containers: [{ name: 'loop', image: 'busybox', command: ['sh', '-c', BURN], resources: { limits: { cpu: '200m', memory: '64Mi' } } }] }, { labels: { app: 'burner' } });
  await createPod(c, 'idle', { containers: [{ name: 'nap', image: 'busybox', command: ['sleep', '3600'] }] }, { labels: { app: 'idle' } });
  for (const name of ['burner', 'idle']) await waitForPod(c, name, (p) => p.status?.phase === 'Running', 'Running');
});

afterAll(async () => {
  await c?.cleanup();
});

/** millicores from a kubectl top cell ("123m" or "0"). */
const millis = (cell: string) => (cell.endsWith('m') ? Number(cell.slice(0, -1)) : Number(cell) * 1000);

describe('kubectl top', () => {
  it('pod: the CPU of a busy container (under its 200m limit) and the memory of each pod', async () => {
    const rows = await eventually(async () => {
      const out = await c.kubectl.run(['top', 'pod', '--no-headers']);
      if (out.code !== 0) return undefined;
      const table = Object.fromEntries(out.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([name, cpu, mem]) => [name!, { cpu: millis(cpu!), mem: mem! }]));
      return table.burner && table.idle && table.burner.cpu > 20 ? table : undefined;
    }, 'kubectl top pod to show the busy pod using CPU', 40_000);
    expect(rows.burner!.cpu).toBeLessThanOrEqual(300);
    expect(rows.idle!.cpu).toBeLessThan(rows.burner!.cpu);
    for (const r of [rows.burner!, rows.idle!]) expect(r.mem).toMatch(/^\d+Mi$/);
    // A sleeping busybox holds well under a MiB, which kubectl rounds to 0Mi: the API's own figure is in Ki.
    for (const name of ['burner', 'idle']) {
      const m = JSON.parse(await c.kubectl.ok(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${name}`]));
      expect(m.containers[0].usage.memory).toMatch(/^[1-9]\d*Ki$/);
    }
  });

  it('pod --containers and -l narrow the answer; node shows the node with its share of allocatable', async () => {
    const containers = await c.kubectl.ok(['top', 'pod', 'burner', '--containers', '--no-headers']);
    expect(containers).toMatch(/^burner\s+loop\s+\d+m\s+\d+Mi/);
    const labelled = await c.kubectl.ok(['top', 'pod', '-l', 'app=idle', '--no-headers']);
    expect(labelled.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['idle']);
    const node = await c.kubectl.ok(['top', 'node', '--no-headers']);
    expect(node).toMatch(new RegExp(`^${c.nodeName}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`));
    const raw = JSON.parse(await c.kubectl.ok(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/nodes/${c.nodeName}`]));
    expect(raw).toMatchObject({ kind: 'NodeMetrics', metadata: { name: c.nodeName }, usage: { cpu: expect.stringMatching(/^\d+n$/), memory: expect.stringMatching(/^\d+Ki$/) } });
    // the agent samples every second here, and never reports a rate over less than half of that
    expect(raw.window).toMatch(/^(?:[5-9]\d\dms|[1-9][\d.]*s)$/);
  });

  it('answers NotFound for a pod with no metrics, and refuses field selectors', async () => {
    const missing = await c.kubectl.run(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope']);
    expect(missing.stderr).toContain('NotFound');
    const fields = await c.kubectl.run(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=metadata.name%3Dx']);
    expect(fields.stderr).toContain('field selectors are not supported by the metrics API');
  });
});
