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
