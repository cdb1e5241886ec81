/**
 * kubectl 1.32's typed `create` commands send protobuf bodies. Each object the server stores must hold everything
 * kubectl's own client-side rendering of the same command holds (`--dry-run=client -o json`).
 */
import { describe, expect, it } from 'vitest';
import { serverWithKubectl } from '../../test-util/server.js';

const live = serverWithKubectl();


/** Paths where `want` has a value that `have` lacks or differs on (status and timestamps aside). */
function differences(want: any, have: any, path = ''): string[] {
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    return Object.keys(want).flatMap((k) => (path === '' && k === 'status') || k === 'creationTimestamp' ? [] : differences(want[k], have?.[k], `${path}.${k}`));
  }
  if (Array.isArray(want)) return want.flatMap((x, i) => differences(x, have?.[i], `${path}[${i}]`));
  return JSON.stringify(want) === JSON.stringify(have) ? [] : [`${path}: want ${JSON.stringify(want)}, got ${JSON.stringify(have)}`];
}

describe('kubectl create (protobuf request bodies)', () => {
  // [what to create, the command after "--" (if any), kind to read back, name]
  it.each([
    [['deployment', 'web', '--image=nginx:1.27', '--port=80', '--replicas=3'], [], 'deployment', 'web'],
    [['deployment', 'idle', '--image=nginx', '--replicas=0'], [], 'deployment', 'idle'],
    [['configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=two'], [], 'configmap', 'cfg'],
    [['secret', 'generic', 'pw', '--from-literal=password=hunter2'], [], 'secret', 'pw'],
    [['namespace', 'blue'], [], 'namespace', 'blue'],
    [['serviceaccount', 'bot'], [], 'serviceaccount', 'bot'],
    [['service', 'nodeport', 'np', '--tcp=80:8080'], [], 'service', 'np'],
    [['service', 'clusterip', 'named', '--tcp=443:https'], [], 'service', 'named'],
    [['job', 'once', '--image=busybox'], ['echo', 'hi'], 'job', 'once'],
    [['cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *'], ['date'], 'cronjob', 'tick'],
  ])('stores what `kubectl create %j` means', async (args, command, kind, name) => {
    const tail = command.length ? ['--', ...command] : [];
    const client = JSON.parse(await live.kubectl.ok(['create', ...args, '--dry-run=client', '-o', 'json', ...tail]));
    const out = await live.kubectl.ok(['create', ...args, ...tail]);
    expect(out).toMatch(new RegExp(`/${name} created`));
    const stored = JSON.parse(await live.kubectl.ok(['get', kind, name, '-o', 'json']));
    expect(differences(client, stored)).toEqual([]);
    expect(stored.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a zero that was set on purpose', async () => {
    expect(JSON.parse(await live.kubectl.ok(['get', 'deploy', 'idle', '-o', 'json'])).spec.replicas).toBe(0);
  });
});

describe('kubectl debug (protobuf Pod bodies)', () => {
  it('--copy-to creates a copy that keeps the pod spec, with the debug container added', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orig', labels: { app: 'orig' } },
      spec: {
        securityContext: { runAsUser: 1000, runAsGroup: 0, fsGroup: 2000, runAsNonRoot: false, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
        hostAliases: [{ ip: '10.1.2.3', hostnames: ['db.local', 'cache.local'] }],
        automountServiceAccountToken: false,
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule' }],
        containers: [
          {
            name: 'app',
            image: 'busybox',
            command: ['sleep', '3600'],
            envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings', optional: true } }, { secretRef: { name: 'creds' } }],
            lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 1'] } }, postStart: { sleep: { seconds: 2 } } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
          },
        ],
      },
    };
    await live.kubectl.ok(['create', '-f', await live.kubectl.file('orig.json', JSON.stringify(pod))]);
    await live.kubectl.ok(['debug', 'orig', '--copy-to=orig-copy', '--image=busybox', '--container=dbg', '--profile=general', '--', 'sleep', '60']);
    const orig = await live.kubectl.json(['get', 'pod', 'orig']);
    const copy = await live.kubectl.json(['get', 'pod', 'orig-copy']);
    const app = (p: any) => p.spec.containers.find((c: any) => c.name === 'app');
    expect(differences(app(orig), app(copy))).toEqual([]);
    for (const f of ['securityContext', 'hostAliases', 'automountServiceAccountToken', 'tolerations']) expect(differences(orig.spec[f], copy.spec[f])).toEqual([]);
    expect(copy.spec.containers.find((c: any) => c.name === 'dbg')).toMatchObject({ image: 'busybox', command: ['sleep', '60'] });
  });

  it('node/NAME creates a pod on that node with the host namespaces and filesystem', async () => {
    await live.kubectl.ok(['create', '-f', await live.kubectl.file('n1.json', JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }))]);
    const out = await live.kubectl.ok(['debug', 'node/n1', '--image=busybox', '--profile=sysadmin', '--', 'true']);
    const name = /Creating debugging pod (\S+)/.exec(out)?.[1];
    expect(name).toMatch(/^node-debugger-n1-/);
    const pod = await live.kubectl.json(['get', 'pod', name!]);
    expect(pod.spec).toMatchObject({ nodeName: 'n1', hostPID: true, hostNetwork: true, hostIPC: true, restartPolicy: 'Never' });
    expect(pod.spec.volumes).toMatchObject([{ name: 'host-root', hostPath: { path: '/' } }]);
    expect(pod.spec.containers[0].securityContext).toEqual({ privileged: true });
  });
});
