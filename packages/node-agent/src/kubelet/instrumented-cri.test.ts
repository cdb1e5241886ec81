import { describe, expect, it } from 'vitest';
import type { CriClient } from '../cri/cri-client.js';
import { instrumentCri, operationName } from './instrumented-cri.js';

describe('operationName', () => {
  it.each([
    ['runPodSandbox', 'run_podsandbox'],
    ['listPodSandbox', 'list_podsandbox'],
    ['podSandboxStatus', 'podsandbox_status'],
    ['createContainer', 'create_container'],
    ['execSync', 'exec_sync'],
    ['version', 'version'],
  ])('names %s %s, as the kubelet does', (method, name) => {
    expect(operationName(method)).toBe(name);
  });
});

describe('instrumentCri', () => {
  it('times every call, failed ones too, and leaves other members alone', async () => {
    const seen: string[] = [];
    const fake = {
      version: async () => ({ runtimeName: 'x' }),
      listContainers: async () => {
        throw new Error('down');
      },
      socketPath: '/run/x.sock',
    } as unknown as CriClient;
    const cri = instrumentCri(fake, (op, s) => seen.push(`${op}:${s >= 0}`));
    expect(await cri.version()).toEqual({ runtimeName: 'x' });
    await expect(cri.listContainers()).rejects.toThrow('down');
    expect(cri.socketPath).toBe('/run/x.sock');
    expect(seen).toEqual(['version:true', 'list_containers:true']);
  });
});
