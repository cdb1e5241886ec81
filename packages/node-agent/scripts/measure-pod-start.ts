// Measures pod start latency through the CRI (create -> running) against Skiff's runtime with runc, a local image
// and the CNI bridge network: RunPodSandbox + CreateContainer + StartContainer per pod, as a kubelet pod worker
// issues them, over the runtime's unix socket. Runs 1 pod, then N pods started concurrently, and breaks the time
// down from the runtime's own debug logs (netns, CNI, rootfs mount, shim -> running).
//
//   node --import tsx scripts/measure-pod-start.ts [--pods 20] [--rounds 3] [--json FILE]
import { writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { containerConfig, podConfig } from '../test-util/cri-configs.js';
import { startRuntimeFixture } from '../test-util/runtime-fixture.js';
import { TempDirs } from '../test-util/temp-dir.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' }, json: { type: 'string' } } });
const podsPerRound = Number(values.pods);
const rounds = Number(values.rounds);

const phases = new Map<string, number[]>();
const record = (name: string, ms: number) => phases.set(name, [...(phases.get(name) ?? []), ms]);
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      for (const key of ['netnsMs', 'cniMs', 'mountMs', 'shimToRunningMs']) if (typeof entry[key] === 'number') record(key, entry[key] as number);
    }
    done();
  },
});

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const temp = new TempDirs();
const fixture = await startRuntimeFixture({ logger: pino({ level: 'debug' }, logSink) });
const { client } = fixture;
const logs = temp.make();
let serial = 0;

async function startPod(): Promise<{ total: number; sandbox: number; create: number; start: number }> {
  const name = `bench-${serial++}`;
  const t0 = performance.now();
  const config = podConfig(name, logs);
  const { podSandboxId } = await client.runPodSandbox({ config });
  const t1 = performance.now();
  const { containerId } = await client.createContainer({ podSandboxId, config: containerConfig('main', ['sleep', '3600']), sandboxConfig: config });
  const t2 = performance.now();
  await client.startContainer({ containerId });
  const t3 = performance.now();
  return { total: t3 - t0, sandbox: t1 - t0, create: t2 - t1, start: t3 - t2 };
}

async function removeAll(): Promise<void> {
  for (const s of (await client.listPodSandbox({})).items) {
    await client.stopPodSandbox({ podSandboxId: s.id });
    await client.removePodSandbox({ podSandboxId: s.id });
  }
}

const results: { name: string; unit: string; value: number; p50?: number; p99?: number }[] = [];
try {
  await startPod(); // warm-up: creates the bridge, loads the image's page cache
  await removeAll();
  phases.clear();

  const single: number[] = [];
  const breakdown = { sandbox: [] as number[], create: [] as number[], start: [] as number[] };
  for (let r = 0; r < rounds * 5; r++) {
    const one = await startPod();
    single.push(one.total);
    breakdown.sandbox.push(one.sandbox);
    breakdown.create.push(one.create);
    breakdown.start.push(one.start);
    await removeAll();
  }
  const singlePhases = new Map(phases);
  phases.clear();

  const concurrent: number[] = [];
  const walls: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    const all = await Promise.all(Array.from({ length: podsPerRound }, () => startPod()));
    walls.push(performance.now() - t0);
    concurrent.push(...all.map((p) => p.total));
    await removeAll();
  }

  const row = (name: string, v: number[]) => {
    results.push({ name, unit: 'ms', value: quantile(v, 0.5), p50: quantile(v, 0.5), p99: quantile(v, 0.99) });
    console.log(`${name.padEnd(46)} p50 ${quantile(v, 0.5).toFixed(1).padStart(7)} ms   p99 ${quantile(v, 0.99).toFixed(1).padStart(7)} ms   (n=${v.length})`);
  };
  console.log(`machine: ${(await import('node:os')).cpus().length} cpus, node ${process.version}, load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('\n1 pod at a time (create -> running through the CRI socket):');
  row('pod start, 1 pod', single);
  row('  RunPodSandbox (netns + CNI)', breakdown.sandbox);
  row('  CreateContainer (bundle + overlay mount)', breakdown.create);
  row('  StartContainer (shim + runc run)', breakdown.start);
  for (const [key, label] of [['netnsMs', 'ip netns add'], ['cniMs', 'CNI ADD (bridge+host-local || loopback)'], ['mountMs', 'overlay mount'], ['shimToRunningMs', 'shim + runc run -> pid file']] as const) {
    row(`    ${label}`, singlePhases.get(key) ?? []);
  }
  console.log(`\n${podsPerRound} pods started concurrently (${rounds} rounds):`);
  row(`pod start, ${podsPerRound} concurrent pods`, concurrent);
  row(`all ${podsPerRound} pods running (wall)`, walls);
  for (const [key, label] of [['netnsMs', 'ip netns add'], ['cniMs', 'CNI ADD'], ['mountMs', 'overlay mount'], ['shimToRunningMs', 'shim + runc run -> pid file']] as const) {
    row(`    ${label}`, phases.get(key) ?? []);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ suite: 'node', results }, null, 2));
} finally {
  await fixture.cleanup();
  temp.removeAll();
}
