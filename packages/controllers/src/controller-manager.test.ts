import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lease, Pod, ReplicaSet } from '@skiff/api';
import { createApiServer, type ApiServer } from '@skiff/apiserver';
import { Client } from '@skiff/client';
import { waitFor } from '@skiff/test-util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicaSet } from '../test-util/objects.js';
import { startControllerManager } from './index.js';

let server: ApiServer;
let client: Client;
beforeAll(async () => {
  server = await createApiServer({ port: 0, host: '127.0.0.1', logger: 'silent' });
  client = new Client({ server: server.url, qps: 0 });
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

const FAST = { leaseDurationMs: 2000, renewDeadlineMs: 1000, retryPeriodMs: 100 };
const lease = () => client.resource<Lease>('coordination.k8s.io/v1/leases').namespace('kube-system').get('kube-controller-manager');
const podCount = async (ns: string) => (await client.resource<Pod>('v1/pods').namespace(ns).list()).items.length;

describe('controller manager', () => {
  it('runs controllers only while it holds the lease; a standby takes over when the leader stops', async () => {
    const opts = { cluster: { server: server.url, namespace: 'default' }, leaderElection: FAST, logger: pino({ level: 'silent' }), controllers: ['replicaset' as const] };
    const a = await startControllerManager({ ...opts, leaderElection: { ...FAST, identity: 'manager-a' } });
    await a.ready();
    const b = await startControllerManager({ ...opts, leaderElection: { ...FAST, identity: 'manager-b' } });
    try {
      expect((await lease()).spec?.holderIdentity).toBe('manager-a');
      expect(a.isLeading()).toBe(true);
      expect(b.isLeading()).toBe(false);
      await client.resource('v1/namespaces').create({ metadata: { name: 'cm-a' } });
      await client.resource<ReplicaSet>('apps/v1/replicasets').namespace('cm-a').create(replicaSet('web', { replicas: 2 }));
      await waitFor('pods from the leader', async () => (await podCount('cm-a')) === 2);

      await a.stop();
      await b.ready();
      expect(b.isLeading()).toBe(true);
      expect((await lease()).spec?.holderIdentity).toBe('manager-b');
      await client.resource('v1/namespaces').create({ metadata: { name: 'cm-b' } });
      await client.resource<ReplicaSet>('apps/v1/replicasets').namespace('cm-b').create(replicaSet('web', { replicas: 3 }));
      await waitFor('pods from the new leader', async () => (await podCount('cm-b')) === 3);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin', 'skiff-controller-manager.js');
  it.skipIf(!existsSync(bin))('runs as a process (the built binary) and exits 0 on SIGTERM after releasing its lease', async () => {
    const child = spawn(process.execPath, [bin, '--master', server.url, '--controllers', 'replicaset', '--leader-elect-retry-period', '100ms', '--leader-elect-resource-name', 'cm-bin', '--log-level', 'info'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUBECONFIG: '' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number>((r) => child.on('exit', (c) => r(c ?? -1)));
    try {
      await waitFor('controllers ready', () => out.includes('controllers ready'), { timeoutMs: 20_000 });
      await client.resource('v1/namespaces').create({ metadata: { name: 'cm-bin' } });
      await client.resource<ReplicaSet>('apps/v1/replicasets').namespace('cm-bin').create(replicaSet('web', { replicas: 2 }));
      await waitFor('pods from the process', async () => (await podCount('cm-bin')) === 2);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const l = await client.resource<Lease>('coordination.k8s.io/v1/leases').namespace('kube-system').get('cm-bin');
      expect(l.spec?.holderIdentity ?? '').toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
