import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readStaticPods, staticPodFrom } from './static-pod-manifests.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  containers:\n    - name: c\n      image: busybox\n';

describe('static pod manifests', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('name the pod after the node, bind it there, default it, and derive a stable UID from manifest and node', () => {
    const a = staticPodFrom(POD, 'n1', '2026-01-01T00:00:00Z') as any;
    expect(a.metadata.name).toBe('web-n1');
    expect(a.metadata.namespace).toBe('kube-system');
    expect(a.spec.nodeName).toBe('n1');
    expect(a.spec.restartPolicy).toBe('Always');
    expect(a.spec.containers[0].imagePullPolicy).toBeDefined();
    expect(a.metadata.annotations).toEqual({ 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.hash': a.metadata.uid, 'kubernetes.io/config.seen': '2026-01-01T00:00:00Z' });
    // the same manifest later: the same pod; on another node or changed: another
    expect(staticPodFrom(POD, 'n1', '2027-01-01T00:00:00Z').metadata!.uid).toBe(a.metadata.uid);
    expect(staticPodFrom(POD, 'n2', '2026-01-01T00:00:00Z').metadata!.uid).not.toBe(a.metadata.uid);
    expect(staticPodFrom(POD.replace('busybox', 'nginx'), 'n1', '2026-01-01T00:00:00Z').metadata!.uid).not.toBe(a.metadata.uid);
    // JSON is YAML too
    expect(staticPodFrom(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'j' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }), 'n1', 'x').metadata!.namespace).toBe('default');
  });

  it('say what is wrong with a manifest', () => {
    const problem = (text: string) => {
      try {
        staticPodFrom(text, 'n1', 'x');
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(problem(`${POD}---\n${POD}`)).toBe('a static pod manifest holds exactly one Pod, found 2 documents');
    expect(problem(POD.replace('kind: Pod', 'kind: Service'))).toBe('expected apiVersion v1 and kind Pod, got v1 Service');
    expect(problem('apiVersion: v1\nkind: Pod\nmetadata: {}\n')).toBe('metadata.name is required');
    expect(problem(POD.replace('image: busybox', 'image: ""'))).toMatch(/spec\.containers\[0\]\.image: Required value/);
    expect(problem('apiVersion: v1\nkind: Pod\nmetadata: [')).toMatch(/^not valid YAML or JSON/);
  });

  it('read a directory: manifests by extension, dotfiles skipped, one pod per name, problems listed per file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-manifests-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'a.yaml'), POD);
    writeFileSync(join(dir, 'b.yml'), POD);
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } }));
    writeFileSync(join(dir, '.hidden.yaml'), 'not: [a pod');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const scan = await readStaticPods(dir, 'n1', 'x');
    expect([...scan.pods.values()].map((p) => p.metadata!.name).sort()).toEqual(['other-n1', 'web-n1']);
    expect(scan.problems).toEqual([{ file: 'b.yml', message: 'pod kube-system/web-n1 is already defined by a.yaml' }]);
    expect((await readStaticPods(join(dir, 'missing'), 'n1', 'x')).pods.size).toBe(0);
  });
});
