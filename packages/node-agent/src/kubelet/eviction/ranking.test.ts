import { describe, expect, it } from 'vitest';
import { rankForEviction } from './ranking.js';
import type { PodUsage } from './stats-source.js';

const Mi = 1024 * 1024;

function pod(name: string, o: { priority?: number; memoryRequest?: string; storageRequest?: string } = {}): any {
  const requests: Record<string, string> = {};
  if (o.memoryRequest) requests.memory = o.memoryRequest;
  if (o.storageRequest) requests['ephemeral-storage'] = o.storageRequest;
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}` },
    spec: { priority: o.priority, containers: [{ name: 'app', resources: { requests } }] },
  };
}

function usage(entries: Record<string, Partial<PodUsage> & { memoryMi?: number; diskMi?: number }>): Map<string, PodUsage> {
  return new Map(
    Object.entries(entries).map(([name, u]) => [
      `uid-${name}`,
      {
        containers: [{ name: 'app', memoryWorkingSetBytes: u.memoryMi === undefined ? undefined : u.memoryMi * Mi, rootfsBytes: u.diskMi === undefined ? undefined : u.diskMi * Mi, logsBytes: 0 }],
        processes: u.processes,
        volumeInodes: u.volumeInodes,
      },
    ]),
  );
}

const names = (pods: any[]) => pods.map((p) => p.metadata.name);

describe('rankForEviction', () => {
  it('memory: pods over their request first, then lower priority, then more usage above the request', () => {
    const pods = [
      pod('guaranteed-high', { priority: 1000, memoryRequest: '200Mi' }),
      pod('within-low', { priority: 0, memoryRequest: '200Mi' }),
      pod('over-high', { priority: 1000, memoryRequest: '10Mi' }),
      pod('besteffort-small', { priority: 0 }),
      pod('besteffort-big', { priority: 0 }),
    ];
    const u = usage({
      'guaranteed-high': { memoryMi: 50 },
      'within-low': { memoryMi: 150 },
      'over-high': { memoryMi: 500 },
      'besteffort-small': { memoryMi: 5 },
      'besteffort-big': { memoryMi: 70 },
    });
    // over their requests: the BestEffort pods (priority 0, bigger first), then over-high (priority 1000);
    // within them: within-low (priority 0) before guaranteed-high
    expect(names(rankForEviction(pods, 'memory', u))).toEqual(['besteffort-big', 'besteffort-small', 'over-high', 'within-low', 'guaranteed-high']);
  });

  it('memory: among pods within their requests, the one closest to exceeding goes first at equal priority', () => {
    const pods = [pod('far', { memoryRequest: '500Mi' }), pod('close', { memoryRequest: '100Mi' })];
    expect(names(rankForEviction(pods, 'memory', usage({ far: { memoryMi: 100 }, close: { memoryMi: 90 } })))).toEqual(['close', 'far']);
  });

  it('puts pods without stats first, as the kubelet does', () => {
    const pods = [pod('measured'), pod('unmeasured')];
    expect(names(rankForEviction(pods, 'memory', usage({ measured: { memoryMi: 900 } })))).toEqual(['unmeasured', 'measured']);
  });

  it('ephemeral-storage: writable layer, logs and volumes against the ephemeral-storage request', () => {
    const pods = [pod('requested', { storageRequest: '1Gi' }), pod('greedy'), pod('modest')];
    const u = usage({ requested: { diskMi: 800 }, greedy: { diskMi: 300 }, modest: { diskMi: 10 } });
    expect(names(rankForEviction(pods, 'ephemeral-storage', u))).toEqual(['greedy', 'modest', 'requested']);
  });

  it('pids: lower priority first, then more processes', () => {
    const pods = [pod('important', { priority: 100 }), pod('few'), pod('many')];
    const u = usage({ important: { processes: 5000 }, few: { processes: 3 }, many: { processes: 300 } });
    expect(names(rankForEviction(pods, 'pids', u))).toEqual(['many', 'few', 'important']);
  });

  it('inodes: lower priority first, then more inodes', () => {
    const pods = [pod('a', { priority: 5 }), pod('b'), pod('c')];
    const u = usage({ a: { volumeInodes: 1_000_000 }, b: { volumeInodes: 10 }, c: { volumeInodes: 20 } });
    expect(names(rankForEviction(pods, 'inodes', u))).toEqual(['c', 'b', 'a']);
  });
});
