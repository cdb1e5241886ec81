import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { eventually } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openChannels } from '../../test-util/channel-client.js';
import { containerConfig, podConfig } from '../../test-util/cri-configs.js';
import { startRuntimeFixture, tempImageRoot, type RuntimeFixture } from '../../test-util/runtime-fixture.js';
import { TempDirs } from '../../test-util/temp-dir.js';
import type { CriClient } from '../cri/cri-client.js';
import { nodeAddress } from './process/process-backend.js';

const temp = new TempDirs();
let imageRoot: string;
let f: RuntimeFixture | undefined;

beforeAll(() => {
  imageRoot = tempImageRoot();
});
afterEach(async () => {
  await f?.cleanup();
  f = undefined;
  temp.removeAll();
});
afterAll(() => rmSync(imageRoot, { recursive: true, force: true }));

/** A pod whose one container serves `text` with busybox httpd on `listen` (e.g. 8080 or 127.0.0.1:8081). */
async function httpPod(client: CriClient, name: string, text: string, listen: string, extra = {}): Promise<{ podSandboxId: string; containerId: string; ip: string }> {
  const { podSandboxId } = await client.runPodSandbox({ config: podConfig(name, temp.make(), extra) });
  const script = `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p ${listen} -h /www`;
  const { containerId } = await client.createContainer({ podSandboxId, config: containerConfig('http', ['sh', '-c', script]) });
  await client.startContainer({ containerId });
  const ip = (await client.podSandboxStatus({ podSandboxId })).status!.network!.ip;
  // ready once it answers from inside its own pod
  await eventually(async () => {
    const r = await client.execSync({ containerId, cmd: ['wget', '-qO-', `http://${listen.includes(':') ? listen : `127.0.0.1:${listen}`}/`], timeout: 10 });
    return r.exitCode === 0 ? true : undefined;
  }, `httpd in pod ${name}`);
  return { podSandboxId, containerId, ip };
}

describe('the pod network', () => {
  it('lets two pods on one bridge reach each other by pod IP', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const a = await httpPod(f.client, 'pod-a', 'hello-from-a', '8080');
    const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('pod-b', temp.make()) });
    const { containerId } = await f.client.createContainer({ podSandboxId, config: containerConfig('client', ['sleep', '600']) });
    await f.client.startContainer({ containerId });
    const ipB = (await f.client.podSandboxStatus({ podSandboxId })).status!.network!.ip;
    expect(ipB).not.toBe(a.ip);

    const fetched = await f.client.execSync({ containerId, cmd: ['wget', '-qO-', `http://${a.ip}:8080/`], timeout: 20 });
    expect(fetched).toMatchObject({ exitCode: 0 });
    expect(fetched.stdout.toString()).toBe('hello-from-a\n');
    const own = await f.client.execSync({ containerId, cmd: ['ip', '-4', '-o', 'addr', 'show', 'eth0'] });
    expect(own.stdout.toString()).toContain(`inet ${ipB}/24`);
  });

  it('forwards a port that listens only on the pod localhost through the streaming server', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const pod = await httpPod(f.client, 'private', 'only-inside', '127.0.0.1:8081');
    const { url } = await f.client.portForward({ podSandboxId: pod.podSandboxId, port: [8081] });
    expect(url).toMatch(/\/portforward\//);
    const { ws, frames, closed } = await openChannels(`${url}?port=8081`, 'v4.channel.k8s.io');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('GET / HTTP/1.0\r\nHost: x\r\n\r\n')]));
    await closed;
    const data = frames.filter((fr) => fr[0] === 0);
    expect(data[0].subarray(1).readUInt16LE(0)).toBe(8081);
    const body = Buffer.concat(data.slice(1).map((fr) => fr.subarray(1))).toString();
    expect(body).toMatch(/^HTTP\/1\.[01] 200/);
    expect(body).toContain('only-inside');
  });

  it('publishes a hostPort on the node through the portmap plugin', async () => {
    f = await startRuntimeFixture({ imageRoot });
    const hostPort = 20000 + Math.floor(Math.random() * 20000);
    await httpPod(f.client, 'published', 'via-host-port', '8080', { portMappings: [{ protocol: 'TCP', containerPort: 8080, hostPort }] });
    const node = nodeAddress();
    const response = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: node, port: hostPort }, () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      let out = '';
      socket.on('data', (c) => (out += c));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    expect(response).toContain('via-host-port');
  });
});
