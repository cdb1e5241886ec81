/**
 * The kinds real manifests carry beside their workloads (RBAC, PodDisruptionBudget, HorizontalPodAutoscaler,
 * Ingress, NetworkPolicy, storage, quotas), driven by the real kubectl 1.32: its generators, apply of a
 * multi-document file, the printed columns, discovery, and strict field validation.
 */
import { describe, expect, it } from 'vitest';
import { serverWithKubectl } from '../test-util/server.js';

const live = serverWithKubectl();
const json = async (args: string[]) => JSON.parse(await live.kubectl.ok([...args, '-o', 'json']));

describe('kinds served for manifests', () => {
  it('lists them in discovery with their short names', async () => {
    const rows = (await live.kubectl.ok(['api-resources', '--no-headers'])).split('\n').map((l) => l.trim().split(/\s+/));
    const short = (name: string) => rows.find((r) => r[0] === name)?.[1];
    expect(short('persistentvolumeclaims')).toBe('pvc');
    expect(short('horizontalpodautoscalers')).toBe('hpa');
    expect(short('poddisruptionbudgets')).toBe('pdb');
    expect(short('ingresses')).toBe('ing');
    expect(short('networkpolicies')).toBe('netpol');
    expect(short('storageclasses')).toBe('sc');
    expect(rows.some((r) => r[0] === 'clusterrolebindings' && r.includes('rbac.authorization.k8s.io/v1') && r.includes('false'))).toBe(true);
  });

  it('takes RBAC objects from kubectl create role/rolebinding/clusterrole/clusterrolebinding', async () => {
    await live.kubectl.ok(['create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods']);
    await live.kubectl.ok(['create', 'rolebinding', 'read-pods', '--role=pod-reader', '--serviceaccount=default:default', '--user=jane']);
    await live.kubectl.ok(['create', 'clusterrole', 'node-reader', '--verb=get', '--resource=nodes']);
    await live.kubectl.ok(['create', 'clusterrolebinding', 'read-nodes', '--clusterrole=node-reader', '--group=ops']);
    const role = await json(['get', 'role', 'pod-reader']);
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    const table = await live.kubectl.ok(['get', 'rolebinding', 'read-pods', '-o', 'wide']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS/);
    expect(table.split('\n')[1]).toMatch(/^read-pods\s+Role\/pod-reader\s+\S+\s+jane\s+default\/default/);
    expect((await json(['get', 'clusterrolebinding', 'read-nodes'])).subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ops' }]);
    expect(await live.kubectl.ok(['get', 'clusterrole', 'node-reader'])).toMatch(/^NAME\s+CREATED AT\nnode-reader\s+\d{4}-\d\d-\d\dT/);
  });

  it('takes a PodDisruptionBudget and an Ingress from kubectl, and an autoscaler from a manifest', async () => {
    await live.kubectl.ok(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
    await live.kubectl.ok(['create', 'pdb', 'web', '--selector=app=web', '--min-available=1']);
    expect((await live.kubectl.ok(['get', 'pdb', 'web'])).split('\n')[1]).toMatch(/^web\s+1\s+N\/A\s+0\s+/);
    await live.kubectl.ok(['create', 'ingress', 'web', '--class=skiff', '--rule=web.example/*=web:80']);
    const ing = await json(['get', 'ingress', 'web']);
    expect(ing.spec.rules[0]).toMatchObject({ host: 'web.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } });
    expect((await live.kubectl.ok(['get', 'ing', 'web'])).split('\n')[1]).toMatch(/^web\s+skiff\s+web\.example\s+80\s+/);
    // autoscaling/v2, as manifests write it (kubectl autoscale posts autoscaling/v1, which is not served)
    const f = await live.kubectl.file(
      'hpa.yaml',
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 4
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}]
`,
    );
    await live.kubectl.ok(['apply', '-f', f]);
    const hpa = await json(['get', 'hpa', 'web']);
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4 });
    expect((await live.kubectl.ok(['get', 'hpa', 'web'])).split('\n')[1]).toMatch(/^web\s+Deployment\/web\s+cpu: <unknown>\/60%\s+1\s+4\s+0\s+/);
    // `get all` shows autoscalers, as on a real server
    expect(await live.kubectl.ok(['get', 'all'])).toContain('horizontalpodautoscaler.autoscaling/web');
  });

  it('applies storage, network policy and quota objects from one file; a claim starts Pending', async () => {
    const f = await live.kubectl.file(
      'addons.yaml',
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: example.com/local
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: local
  resources: {requests: {storage: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: small}
spec: {hard: {pods: "10"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits: [{type: Container, default: {cpu: 500m}}]
`,
    );
    expect((await live.kubectl.ok(['apply', '-f', f])).trim().split('\n')).toEqual([
      'storageclass.storage.k8s.io/local created',
      'persistentvolumeclaim/data created',
      'networkpolicy.networking.k8s.io/deny-all created',
      'resourcequota/small created',
      'limitrange/defaults created',
    ]);
    expect((await live.kubectl.ok(['apply', '-f', f])).trim().split('\n')).toContain('persistentvolumeclaim/data unchanged');
    expect((await live.kubectl.ok(['get', 'sc'])).split('\n')[1]).toMatch(/^local \(default\)\s+example\.com\/local\s+Delete\s+WaitForFirstConsumer\s+false\s+/);
    expect((await live.kubectl.ok(['get', 'pvc', 'data'])).split('\n')[1]).toMatch(/^data\s+Pending\s+local\s+<unset>\s+/);
    expect((await json(['get', 'pvc', 'data'])).status).toEqual({ phase: 'Pending' });
    expect((await live.kubectl.ok(['get', 'netpol', 'deny-all'])).split('\n')[1]).toMatch(/^deny-all\s+<none>\s+/);
  });

  it('rejects a field the kind does not have, naming it', async () => {
    const f = await live.kubectl.file('bad-role.yaml', 'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: bad}\nrules: [{verbs: [get], resources: [pods], apiGroups: [""], colour: red}]\n');
    const r = await live.kubectl.run(['apply', '-f', f]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('colour');
  });
});
