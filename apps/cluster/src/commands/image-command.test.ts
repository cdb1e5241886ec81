import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBusyboxImage, exportDockerArchive, ImageStore } from '@skiff/node-agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSkiff } from '../../test-util/skiff-cli.js';
import { saveClusterState } from '../cluster/cluster-state.js';
import { clusterTopology } from '../cluster/topology.js';

const haveBusybox = existsSync('/bin/busybox');

describe.skipIf(!haveBusybox)('skiff image import', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'skiff-image-'));
  const dataDir = join(scratch, 'cluster');
  const archive = join(scratch, 'tools.tar');
  const state = {
    version: 1 as const,
    id: 'a1b2',
    createdAt: new Date().toISOString(),
    network: 'host' as const,
    nodeCidr: '10.240.0.0/24',
    clusterCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/12',
    store: { kind: 'skiff' as const },
    nodes: 2,
    fakeNodes: 0,
  };

  beforeAll(async () => {
    // An archive as `docker save` writes it, of an image no node has: busybox under another name.
    const source = await ImageStore.open(join(scratch, 'source'));
    await buildBusyboxImage(source, { names: ['example.com/tools:1.0'] });
    await exportDockerArchive(source, ['example.com/tools:1.0'], archive);
    mkdirSync(dataDir, { recursive: true });
    saveClusterState(dataDir, state);
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('puts the archive\'s images into the image store of every node', async () => {
    const r = await runSkiff(['image', 'import', archive, '--data-dir', dataDir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('skiff-node-1: imported example.com/tools:1.0\nskiff-node-2: imported example.com/tools:1.0\n');
    for (const node of clusterTopology(state, dataDir).nodes) {
      const store = await ImageStore.open(join(node.dir, 'cri', 'images'));
      expect(store.get('example.com/tools:1.0')?.repoTags).toEqual(['example.com/tools:1.0']);
    }
  });

  it('names a file that is not an image archive', async () => {
    const r = await runSkiff(['image', 'import', join(scratch, 'cluster', 'cluster.json'), '--data-dir', dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^skiff: skiff-node-1: cannot import .*cluster\.json: /);
  });
});
