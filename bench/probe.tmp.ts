// Temporary probe: server CPU per create / bind / status update, with W pod watchers. Not committed.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concurrentLoad } from './src/micro.js';
const BIN = join(process.cwd(), '..', 'packages', 'apiserver', 'dist', 'bin', 'skiff-apiserver.js');
const N = Number(process.env.N ?? 5000);
const W = Number(process.env.W ?? 0);
const durable = process.env.DURABLE === '1';
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
const prof = process.env.PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.PROF] : [];
const proc = spawn(process.execPath, [...prof, BIN, '--port', '0', '--log-level', 'warn', ...(durable ? ['--data-dir', join(dir, 'd')] : [])], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
const port = await new Promise<number>((res) => { let o = ''; const f = (d: Buffer) => { o += d; const m = /127\.0\.0\.1:(\d+)/.exec(o); if (m) res(Number(m[1])); }; proc.stdout!.on('data', f); proc.stderr!.on('data', f); });
const cpu = () => { const f = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const req = (method: string, path: string, body?: unknown) => new Promise<string>((resolve, reject) => {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const r = http.request({ host: '127.0.0.1', port, method, path, agent, headers: data ? { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json', 'content-length': data.length } : {} }, (res) => {
    const c: Buffer[] = []; res.on('data', (x) => c.push(x)); res.on('end', () => (res.statusCode! >= 300 ? reject(new Error(`${method} ${path} ${res.statusCode} ${Buffer.concat(c)}`)) : resolve(Buffer.concat(c).toString())));
  });
  r.on('error', reject); r.end(data);
});
const watchers: http.ClientRequest[] = [];
for (let i = 0; i < W; i++) watchers.push(http.get({ host: '127.0.0.1', port, path: '/api/v1/pods?watch=true&allowWatchBookmarks=true' }, (res) => res.on('data', () => {})));
const kind = process.env.KIND ?? 'rs';
const pod = (i: number) => kind === 'rs' ? ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { generateName: 'big-6d4cf56db6-', namespace: 'default', labels: { app: 'big', 'pod-template-hash': '6d4cf56db6' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'big-6d4cf56db6', uid: '1b2c7a3e-1111-4222-8333-444455556666', controller: true, blockOwnerDeletion: true }] },
  spec: { containers: [{ name: 'app', image: 'busybox:1.36', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent' }], restartPolicy: 'Always', terminationGracePeriodSeconds: 1, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler' },
}) : ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}`, labels: { app: 'bench', tier: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } });
const names: string[] = [];
// warm up
await concurrentLoad(async (i) => { const b = JSON.parse(await req('POST', '/api/v1/namespaces/default/pods', { ...pod(i), metadata: { ...pod(i).metadata, name: `warm-${i}` , generateName: undefined } })); }, { concurrency: 32, maxOps: 2000, maxMs: 60000 });
let c0 = cpu();
const create = await concurrentLoad(async (i) => { const b = JSON.parse(await req('POST', '/api/v1/namespaces/default/pods', pod(i))); names[i] = b.metadata.name; }, { concurrency: 32, maxOps: N, maxMs: 60000 });
let c1 = cpu();
console.log(`create: ${create.opsPerSec.toFixed(0)}/s, server ${((c1 - c0) / create.ops * 1e6).toFixed(0)} us/op`);
c0 = cpu();
const bind = await concurrentLoad((i) => req('POST', `/api/v1/namespaces/default/pods/${names[i]}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: names[i] }, target: { apiVersion: 'v1', kind: 'Node', name: `node-${i % 10}` } }), { concurrency: 32, maxOps: create.ops, maxMs: 60000 });
c1 = cpu();
console.log(`bind: ${bind.opsPerSec.toFixed(0)}/s, server ${((c1 - c0) / bind.ops * 1e6).toFixed(0)} us/op`);
c0 = cpu();
const status = await concurrentLoad((i) => req('PATCH', `/api/v1/namespaces/default/pods/${names[i]}/status`, { status: { phase: 'Running', podIP: `10.0.0.${i % 250}`, conditions: [{ type: 'Ready', status: 'True' }] } }).catch(async (e) => { throw e; }), { concurrency: 32, maxOps: create.ops, maxMs: 60000 });
c1 = cpu();
console.log(`status (merge patch): ${status.opsPerSec.toFixed(0)}/s, server ${((c1 - c0) / status.ops * 1e6).toFixed(0)} us/op`);
for (const w of watchers) w.destroy();
agent.destroy();
proc.kill('SIGTERM');
await new Promise((r) => proc.once('exit', r));
