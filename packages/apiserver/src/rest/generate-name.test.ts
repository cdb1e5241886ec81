/**
 * generateName: a generated name that is already taken is retried with a new suffix, as the real server does.
 * The suffix source is scripted so the collision is certain.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const scripted: number[] = [];
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomInt: (...args: [number]) => (scripted.length > 0 ? scripted.shift()! : real.randomInt(...args)) };
});

const { startTestServer, call } = await import('../../test-util/server.js');
type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'web-' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

describe('generateName', () => {
  it('retries with a fresh suffix when the generated name is taken', async () => {
    scripted.push(0, 0, 0, 0, 0);
    const first = await call(server, 'POST', '/api/v1/namespaces/default/pods', pod);
    expect(first.status).toBe(201);
    const taken = (first.body as { metadata: { name: string } }).metadata.name;
    // The next create draws the same suffix first, then a different one.
    scripted.push(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    const second = await call(server, 'POST', '/api/v1/namespaces/default/pods', pod);
    expect(second.status).toBe(201);
    const name = (second.body as { metadata: { name: string } }).metadata.name;
    expect(name).not.toBe(taken);
    expect(name.startsWith('web-')).toBe(true);
  });
});
