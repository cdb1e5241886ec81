/**
 * The real kubectl 1.32 reading every served resource: tables with the columns users know, describe, wide output,
 * labels, all-namespaces, short names, categories.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { allManifests, podEvent } from '../test-util/manifests.js';
import { serverWithKubectl } from '../test-util/server.js';

const live = serverWithKubectl();


beforeAll(async () => {
  const file = await live.kubectl.file('all.yaml', allManifests());
  const out = await live.kubectl.ok(['create', '-f', file]);
  expect(out).toContain('deployment.apps/web created');
  const uid = await live.kubectl.ok(['get', 'pod', 'web-pod', '-o', 'jsonpath={.metadata.uid}']);
  await live.kubectl.ok(['create', '-f', await live.kubectl.file('event.yaml', podEvent(uid))]);
});

describe('kubectl get', () => {
  it.each([
    ['namespaces', 'team-a', /^NAME\s+STATUS\s+AGE$/, /^team-a\s+Active\s+\d+s$/],
    ['pods', 'web-pod', /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/, /^web-pod\s+0\/1\s+Pending\s+0\s+\d+s$/],
    ['services', 'web-svc', /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/, /^web-svc\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\d+s$/],
    ['endpoints', 'web-svc', /^NAME\s+ENDPOINTS\s+AGE$/, /^web-svc\s+10\.0\.0\.5:8080\s+\d+s$/],
    ['nodes', 'node-1', /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/, /^node-1\s+Unknown\s+worker\s+\d+s\s*$/],
    ['configmaps', 'settings', /^NAME\s+DATA\s+AGE$/, /^settings\s+2\s+\d+s$/],
    ['secrets', 'creds', /^NAME\s+TYPE\s+DATA\s+AGE$/, /^creds\s+Opaque\s+1\s+\d+s$/],
    ['serviceaccounts', 'robot', /^NAME\s+SECRETS\s+AGE$/, /^robot\s+0\s+\d+s$/],
    ['deployments', 'web', /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/, /^web\s+0\/2\s+0\s+0\s+\d+s$/],
    ['replicasets', 'web-rs', /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/, /^web-rs\s+1\s+0\s+0\s+\d+s$/],
    ['daemonsets', 'agent', /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/, /^agent\s+0\s+0\s+0\s+0\s+0\s+<none>\s+\d+s$/],
    ['statefulsets', 'db', /^NAME\s+READY\s+AGE$/, /^db\s+0\/1\s+\d+s$/],
    ['jobs', 'once', /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/, /^once\s+Running\s+0\/1\s+\d+s$/],
    ['cronjobs', 'nightly', /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/, /^nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s$/],
    ['leases', 'leader', /^NAME\s+HOLDER\s+AGE$/, /^leader\s+node-1\s+\d+s$/],
    ['endpointslices', 'web-svc-abc', /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/, /^web-svc-abc\s+IPv4\s+8080\s+10\.0\.0\.5\s+\d+s$/],
  ])('prints %s with their usual columns', async (resource, name, header, row) => {
    const lines = (await live.kubectl.ok(['get', resource, name])).trimEnd().split('\n');
    expect(lines[0]).toMatch(header);
    expect(lines[1]).toMatch(row);
  });

  it('prints events with what happened to which object', async () => {
    const lines = (await live.kubectl.ok(['get', 'events'])).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(lines[1]).toMatch(/Normal\s+Scheduled\s+pod\/web-pod\s+placed on node-1$/);
  });

  it.each([
    ['po', 'web-pod'],
    ['svc', 'web-svc'],
    ['deploy', 'web'],
    ['rs', 'web-rs'],
    ['ds', 'agent'],
    ['sts', 'db'],
    ['cm', 'settings'],
    ['sa', 'robot'],
    ['cj', 'nightly'],
    ['ns', 'team-a'],
    ['no', 'node-1'],
    ['ep', 'web-svc'],
  ])('resolves the short name %s', async (short, name) => {
    expect(await live.kubectl.ok(['get', short, name, '-o', 'name'])).toMatch(new RegExp(`/${name}\\n$`));
  });

  it('lists every workload of the "all" category', async () => {
    const out = await live.kubectl.ok(['get', 'all']);
    for (const s of ['pod/web-pod', 'service/web-svc', 'deployment.apps/web', 'replicaset.apps/web-rs', 'daemonset.apps/agent', 'statefulset.apps/db', 'job.batch/once', 'cronjob.batch/nightly']) {
      expect(out).toContain(s);
    }
  });

  it('adds the wide columns with -o wide', async () => {
    const lines = (await live.kubectl.ok(['get', 'pods', 'web-pod', '-o', 'wide'])).split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(lines[1]).toMatch(/<none>\s+<none>\s+<none>\s+<none>$/);
    const deploy = (await live.kubectl.ok(['get', 'deploy', 'web', '-o', 'wide'])).split('\n');
    expect(deploy[0]).toMatch(/CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(deploy[1]).toMatch(/app\s+nginx:1\.27\s+app=web$/);
  });

  it('shows labels with --show-labels and -L', async () => {
    expect(await live.kubectl.ok(['get', 'pod', 'web-pod', '--show-labels'])).toMatch(/LABELS\n.*app=web,tier=fe/);
    expect(await live.kubectl.ok(['get', 'pod', 'web-pod', '-L', 'tier'])).toMatch(/TIER\n.*\sfe\n/);
  });

  it('adds the NAMESPACE column with -A', async () => {
    const out = await live.kubectl.ok(['get', 'services', '-A']);
    expect(out.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+TYPE/);
    expect(out).toMatch(/default\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP/);
    expect(out).toMatch(/default\s+web-svc\s+ClusterIP/);
  });

  it('filters with a label selector evaluated by the server', async () => {
    expect((await live.kubectl.ok(['get', 'deploy,rs,pods', '-l', 'app=web', '-o', 'name'])).trim()).toBe('pod/web-pod');
    expect((await live.kubectl.ok(['get', 'pods', '-l', 'tier notin (fe)', '-o', 'name'])).trim()).toBe('');
    expect((await live.kubectl.ok(['get', 'pods', '--field-selector', 'metadata.name=web-pod', '-o', 'name'])).trim()).toBe('pod/web-pod');
  });

  it('sorts by a field when asked (objects embedded in the table)', async () => {
    await live.kubectl.ok(['run', 'aaa', '--image=busybox']);
    const names = (await live.kubectl.ok(['get', 'pods', '--sort-by=.metadata.name', '-o', 'custom-columns=N:.metadata.name', '--no-headers'])).trim().split('\n');
    expect(names).toEqual(['aaa', 'web-pod']);
    const byTable = (await live.kubectl.ok(['get', 'pods', '--sort-by=.metadata.name', '--no-headers'])).trim().split('\n');
    expect(byTable.map((l) => l.split(/\s+/)[0])).toEqual(['aaa', 'web-pod']);
  });

  it('follows continue tokens with a small --chunk-size', async () => {
    const all = (await live.kubectl.ok(['get', 'all', '-A', '-o', 'name'])).trim().split('\n');
    const chunked = (await live.kubectl.ok(['get', 'all', '-A', '-o', 'name', '--chunk-size=1'])).trim().split('\n');
    expect(chunked).toEqual(all);
    expect(all.length).toBeGreaterThan(8);
  });

  it('returns the defaults the server filled in', async () => {
    const pod = JSON.parse(await live.kubectl.ok(['get', 'pod', 'web-pod', '-o', 'json']));
    expect(pod.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', serviceAccountName: 'default' });
    expect(pod.spec.containers[0]).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', ports: [{ containerPort: 80, protocol: 'TCP' }] });
    expect(pod.status).toMatchObject({ phase: 'Pending', qosClass: 'BestEffort' });
    const secret = JSON.parse(await live.kubectl.ok(['get', 'secret', 'creds', '-o', 'json']));
    expect(secret.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    expect(secret.stringData).toBeUndefined();
  });

  it('reports a missing object the way kubectl users know', async () => {
    const r = await live.kubectl.run(['get', 'deploy', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('lists the served resources with api-resources', async () => {
    const out = await live.kubectl.ok(['api-resources']);
    expect(out).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    expect(out).toMatch(/namespaces\s+ns\s+v1\s+false\s+Namespace/);
    expect(out).toMatch(/endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice/);
  });
});

describe('kubectl describe', () => {
  it.each([
    ['namespace', 'team-a', /Status:\s+Active/],
    ['pod', 'web-pod', /Port:\s+80\/TCP/],
    ['service', 'web-svc', /TargetPort:\s+8080\/TCP/],
    ['endpoints', 'web-svc', /Addresses:\s+10\.0\.0\.5/],
    ['node', 'node-1', /Roles:\s+worker/],
    ['configmap', 'settings', /mode:\n----\nfast/],
    ['secret', 'creds', /user:\s+5 bytes/],
    ['serviceaccount', 'robot', /Name:\s+robot/],
    ['deployment', 'web', /RollingUpdateStrategy:\s+25% max unavailable, 25% max surge/],
    ['replicaset', 'web-rs', /Replicas:\s+0 current \/ 1 desired/],
    ['daemonset', 'agent', /Selector:\s+app=agent/],
    ['statefulset', 'db', /Update Strategy:\s+RollingUpdate/],
    ['job', 'once', /Completions:\s+1/],
    ['cronjob', 'nightly', /Schedule:\s+0 3 \* \* \*/],
    ['lease', 'leader', /Holder Identity:\s+node-1/],
    ['endpointslice', 'web-svc-abc', /AddressType:\s+IPv4/],
  ])('describes the %s %s', async (kind, name, detail) => {
    const out = await live.kubectl.ok(['describe', kind, name]);
    expect(out).toMatch(new RegExp(`Name:\\s+${name}`));
    expect(out).toMatch(detail);
  });

  it('shows the events of a pod, selected by involvedObject fields', async () => {
    const out = await live.kubectl.ok(['describe', 'pod', 'web-pod']);
    expect(out).toMatch(/Events:[\s\S]*Normal\s+Scheduled\s+.*scheduler\s+placed on node-1/);
  });
});
