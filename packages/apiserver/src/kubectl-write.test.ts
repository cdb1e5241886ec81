/**
 * The real kubectl 1.32 changing things: create -f and apply -f of multi-document YAML (client-side and
 * server-side, with conflicts), label, annotate, scale, the three patch types, replace, delete (graceful and
 * forced, waiting for the DELETED event), get -w, and explain.
 */
import { describe, expect, it } from 'vitest';
import { serverWithKubectl } from '../test-util/server.js';

const live = serverWithKubectl();


const app = (replicas: number, image: string, data: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels: {app: shop}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: web
        image: ${image}
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: prod}]
---
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  type: NodePort
  selector: {app: shop}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: shop-config}
data: {flavour: "${data}"}
`;

const json = async (args: string[]) => JSON.parse(await live.kubectl.ok([...args, '-o', 'json']));

describe('create and apply', () => {
  it('creates every document of a multi-document file', async () => {
    const f = await live.kubectl.file('shop.yaml', app(2, 'shop:1', 'vanilla'));
    const out = await live.kubectl.ok(['create', '-f', f]);
    expect(out.trim().split('\n')).toEqual(['deployment.apps/shop created', 'service/shop created', 'configmap/shop-config created']);
    const svc = await json(['get', 'svc', 'shop']);
    expect(svc.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(svc.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
  });

  it('refuses to create what exists', async () => {
    const f = await live.kubectl.file('shop.yaml', app(2, 'shop:1', 'vanilla'));
    const r = await live.kubectl.run(['create', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (AlreadyExists): error when creating');
    expect(r.stderr).toContain('deployments.apps "shop" already exists');
  });

  it('applies a change client-side, keeping last-applied verbatim and bumping generation on spec changes', async () => {
    const f1 = await live.kubectl.file('shop1.yaml', app(2, 'shop:1', 'vanilla'));
    await live.kubectl.ok(['apply', '-f', f1]);
    const before = await json(['get', 'deploy', 'shop']);
    const f2 = await live.kubectl.file('shop2.yaml', app(3, 'shop:2', 'chocolate'));
    const out = await live.kubectl.ok(['apply', '-f', f2]);
    expect(out).toContain('deployment.apps/shop configured');
    expect(out).toContain('configmap/shop-config configured');
    expect(out).toContain('service/shop unchanged');
    const after = await json(['get', 'deploy', 'shop']);
    expect(after.spec.replicas).toBe(3);
    expect(after.spec.template.spec.containers[0]).toMatchObject({ image: 'shop:2', env: [{ name: 'MODE', value: 'prod' }] });
    expect(after.metadata.generation).toBe(before.metadata.generation + 1);
    const lastApplied = JSON.parse(after.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(lastApplied.spec.replicas).toBe(3);
    expect((await json(['get', 'cm', 'shop-config'])).data.flavour).toBe('chocolate');
    expect(await live.kubectl.ok(['apply', '-f', f2])).toContain('deployment.apps/shop unchanged');
  });

  it('applies server-side, reports conflicts with other managers, and takes fields over with --force-conflicts', async () => {
    const f3 = await live.kubectl.file('shop3.yaml', app(4, 'shop:3', 'chocolate'));
    const conflictRun = await live.kubectl.run(['apply', '--server-side', '-f', f3]);
    expect(conflictRun.code).toBe(1);
    expect(conflictRun.stderr).toMatch(/Apply failed with \d+ conflicts?: conflict with "kubectl-client-side-apply"/);
    expect(conflictRun.stderr).toContain('.spec.replicas');
    const forced = await live.kubectl.ok(['apply', '--server-side', '--force-conflicts', '-f', f3]);
    expect(forced).toContain('deployment.apps/shop serverside-applied');
    const d = await json(['get', 'deploy', 'shop', '--show-managed-fields']);
    expect(d.spec.replicas).toBe(4);
    const mine = d.metadata.managedFields.find((m: any) => m.manager === 'kubectl' && m.operation === 'Apply');
    expect(mine.fieldsV1['f:spec']['f:replicas']).toEqual({});
    const clientSide = d.metadata.managedFields.find((m: any) => m.manager === 'kubectl-client-side-apply');
    expect(clientSide?.fieldsV1?.['f:spec']?.['f:replicas']).toBeUndefined();
  });

  it('creates an absent object with a server-side apply', async () => {
    const f = await live.kubectl.file('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-made}\ndata: {a: "1"}\n');
    expect(await live.kubectl.ok(['apply', '--server-side', '-f', f])).toContain('configmap/ssa-made serverside-applied');
    expect((await json(['get', 'cm', 'ssa-made'])).data).toEqual({ a: '1' });
  });

  it('removes fields a server-side applier stops setting', async () => {
    const f1 = await live.kubectl.file('cm1.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-owned}\ndata: {a: "1", b: "2"}\n');
    await live.kubectl.ok(['apply', '--server-side', '-f', f1]);
    const f2 = await live.kubectl.file('cm2.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa-owned}\ndata: {a: "1"}\n');
    await live.kubectl.ok(['apply', '--server-side', '-f', f2]);
    expect((await json(['get', 'cm', 'ssa-owned'])).data).toEqual({ a: '1' });
  });

  it('answers a dry run without storing anything', async () => {
    const out = await live.kubectl.ok(['create', 'configmap', 'ghost', '--from-literal=a=b', '--dry-run=server']);
    expect(out).toContain('configmap/ghost created (server dry run)');
    const r = await live.kubectl.run(['get', 'cm', 'ghost']);
    expect(r.stderr).toContain('configmaps "ghost" not found');
  });
});

describe('edits', () => {
  it('labels and annotates with merge patches, and removes a label with a trailing dash', async () => {
    await live.kubectl.ok(['label', 'deploy', 'shop', 'team=blue']);
    await live.kubectl.ok(['annotate', 'deploy', 'shop', 'note=hello']);
    let d = await json(['get', 'deploy', 'shop']);
    expect(d.metadata.labels.team).toBe('blue');
    expect(d.metadata.annotations.note).toBe('hello');
    await live.kubectl.ok(['label', 'deploy', 'shop', 'team-']);
    d = await json(['get', 'deploy', 'shop']);
    expect(d.metadata.labels.team).toBeUndefined();
    const r = await live.kubectl.run(['label', 'deploy', 'shop', 'app=other']);
    expect(r.stderr).toContain("'app' already has a value (shop), and --overwrite is false");
  });

  it('scales through the scale subresource', async () => {
    expect(await live.kubectl.ok(['scale', 'deploy', 'shop', '--replicas=7'])).toContain('deployment.apps/shop scaled');
    expect((await json(['get', 'deploy', 'shop'])).spec.replicas).toBe(7);
    const r = await live.kubectl.run(['scale', 'deploy', 'shop', '--replicas=5', '--current-replicas=2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Expected replicas to be 2, was 7');
  });

  it.each([
    ['strategic', ['-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"shop:smp"}]}}}}'], (d: any) => d.spec.template.spec.containers[0].image === 'shop:smp' && d.spec.template.spec.containers[0].env.length === 1],
    ['merge', ['--type=merge', '-p', '{"metadata":{"labels":{"patched":"merge"}}}'], (d: any) => d.metadata.labels.patched === 'merge'],
    ['json', ['--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]'], (d: any) => d.spec.replicas === 2],
  ])('patches with a %s patch', async (_type, args, check) => {
    expect(await live.kubectl.ok(['patch', 'deploy', 'shop', ...args])).toContain('deployment.apps/shop patched');
    expect(check(await json(['get', 'deploy', 'shop']))).toBe(true);
  });

  it('reports a patch that changes nothing', async () => {
    expect(await live.kubectl.ok(['patch', 'deploy', 'shop', '--type=merge', '-p', '{"spec":{"replicas":2}}'])).toContain('deployment.apps/shop patched (no change)');
  });

  it('sets an image with a strategic merge patch carrying $setElementOrder', async () => {
    await live.kubectl.ok(['set', 'image', 'deploy/shop', 'web=shop:set']);
    expect((await json(['get', 'deploy', 'shop'])).spec.template.spec.containers[0].image).toBe('shop:set');
  });

  it('replaces a whole object, and refuses a stale one with 409', async () => {
    const d = await json(['get', 'deploy', 'shop']);
    d.spec.template.spec.containers[0].image = 'shop:replaced';
    const f = await live.kubectl.file('replace.json', JSON.stringify(d));
    expect(await live.kubectl.ok(['replace', '-f', f])).toContain('deployment.apps/shop replaced');
    const r = await live.kubectl.run(['replace', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Operation cannot be fulfilled on deployments.apps "shop": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('edits through $EDITOR, validated by the server', async () => {
    const editor = await live.kubectl.file('editor.sh', '#!/bin/sh\nsed -i "s/flavour: .*/flavour: edited/" "$1"\n');
    await import('node:fs/promises').then((fs) => fs.chmod(editor, 0o755));
    const r = await live.kubectl.run(['edit', 'configmap', 'shop-config'], { env: { KUBE_EDITOR: editor } });
    expect(r.stdout).toContain('configmap/shop-config edited');
    expect((await json(['get', 'cm', 'shop-config'])).data.flavour).toBe('edited');
  });

  it('treats a resourceVersion inside a patch as a precondition', async () => {
    const r = await live.kubectl.run(['patch', 'cm', 'shop-config', '--type=merge', '-p', '{"metadata":{"resourceVersion":"1"},"data":{"flavour":"stale"}}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Operation cannot be fulfilled on configmaps "shop-config"');
    expect((await json(['get', 'cm', 'shop-config'])).data.flavour).toBe('edited');
  });

  it('refuses to change an immutable selector', async () => {
    const r = await live.kubectl.run(['patch', 'deploy', 'shop', '--type=merge', '-p', '{"spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}}}}}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Deployment "shop" is invalid: spec.selector: Invalid value');
    expect(r.stderr).toContain('field is immutable');
  });
});

describe('delete', () => {
  it('deletes and waits until the object is gone', async () => {
    await live.kubectl.ok(['create', 'configmap', 'doomed', '--from-literal=a=b']);
    expect(await live.kubectl.ok(['delete', 'configmap', 'doomed', '--wait=true'])).toContain('configmap "doomed" deleted');
    expect((await live.kubectl.run(['get', 'cm', 'doomed'])).code).toBe(1);
  });

  it('gives a scheduled pod its grace period, and removes it at once when forced', async () => {
    const f = await live.kubectl.file('bound.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: bound}\nspec:\n  nodeName: node-1\n  containers: [{name: c, image: busybox}]\n');
    await live.kubectl.ok(['create', '-f', f]);
    await live.kubectl.ok(['delete', 'pod', 'bound', '--wait=false']);
    const p = await json(['get', 'pod', 'bound']);
    expect(p.metadata.deletionTimestamp).toBeDefined();
    expect(p.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await live.kubectl.ok(['get', 'pod', 'bound'])).split('\n')[1]).toMatch(/Terminating/);
    const forced = await live.kubectl.run(['delete', 'pod', 'bound', '--grace-period=0', '--force']);
    expect(forced.stdout).toContain('pod "bound" force deleted');
    expect((await live.kubectl.run(['get', 'pod', 'bound'])).code).toBe(1);
  });

  it('keeps an object with finalizers until they are removed', async () => {
    const f = await live.kubectl.file('fin.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n');
    await live.kubectl.ok(['create', '-f', f]);
    await live.kubectl.ok(['delete', 'cm', 'held', '--wait=false']);
    expect((await json(['get', 'cm', 'held'])).metadata.deletionTimestamp).toBeDefined();
    await live.kubectl.ok(['patch', 'cm', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    expect((await live.kubectl.run(['get', 'cm', 'held'])).stderr).toContain('configmaps "held" not found');
  });

  it('leaves a deleted namespace Terminating and refuses new content in it', async () => {
    await live.kubectl.ok(['create', 'namespace', 'going']);
    await live.kubectl.ok(['delete', 'namespace', 'going', '--wait=false']);
    expect((await live.kubectl.ok(['get', 'ns', 'going'])).split('\n')[1]).toMatch(/^going\s+Terminating/);
    const r = await live.kubectl.run(['create', 'configmap', 'late', '-n', 'going', '--from-literal=a=b']);
    expect(r.stderr).toContain('configmaps "late" is forbidden: unable to create new content in namespace going because it is being terminated');
    const missing = await live.kubectl.run(['create', 'configmap', 'x', '-n', 'nowhere', '--from-literal=a=b']);
    expect(missing.stderr).toContain('namespaces "nowhere" not found');
  });

  it('refuses to delete the default namespace', async () => {
    const r = await live.kubectl.run(['delete', 'namespace', 'default']);
    expect(r.stderr).toContain('Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted');
  });
});

describe('watch and explain', () => {
  it('streams ADDED, MODIFIED and DELETED rows with get -w', async () => {
    const w = live.kubectl.spawn(['get', 'configmaps', '-w', '--output-watch-events']);
    try {
      await w.waitFor(/ADDED\s+kube-root|ADDED\s+shop-config/);
      await live.kubectl.ok(['create', 'configmap', 'watched', '--from-literal=a=1']);
      await w.waitFor(/ADDED\s+watched\s+1/);
      await live.kubectl.ok(['patch', 'cm', 'watched', '--type=merge', '-p', '{"data":{"b":"2"}}']);
      await w.waitFor(/MODIFIED\s+watched\s+2/);
      await live.kubectl.ok(['delete', 'cm', 'watched']);
      await w.waitFor(/DELETED\s+watched\s+2/);
    } finally {
      await w.stop();
    }
  });

  it('explains fields from the served OpenAPI schemas', async () => {
    const out = await live.kubectl.ok(['explain', 'pod.spec.containers']);
    expect(out).toMatch(/KIND:\s+Pod/);
    expect(out).toMatch(/FIELD: containers <\[\]Container>/);
    expect(out).toMatch(/image\s+<string>/);
    expect(out).toMatch(/ports\s+<\[\]ContainerPort>/);
    const deploy = await live.kubectl.ok(['explain', 'deployment.spec.strategy']);
    expect(deploy).toMatch(/GROUP:\s+apps/);
    expect(deploy).toMatch(/rollingUpdate\s+<RollingUpdateDeployment>/);
  });
});

describe('service account tokens', () => {
  it('issues a signed token for a service account with kubectl create token', async () => {
    await live.kubectl.ok(['create', 'serviceaccount', 'builder']);
    const token = (await live.kubectl.ok(['create', 'token', 'builder', '--duration=20m'])).trim();
    const [, body] = token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
    expect(claims.sub).toBe('system:serviceaccount:default:builder');
    expect(claims.exp - claims.iat).toBe(1200);
    const missing = await live.kubectl.run(['create', 'token', 'nobody']);
    expect(missing.stderr).toContain('serviceaccounts "nobody" not found');
  });
});
