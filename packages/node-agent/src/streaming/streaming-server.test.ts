import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { eventually } from '@skiff/test-util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { channelSession, openChannels } from '../../test-util/channel-client.js';
import { containerConfig, parseCriLog, podConfig } from '../../test-util/cri-configs.js';
import { startRuntimeFixture, tempImageRoot, type RuntimeFixture } from '../../test-util/runtime-fixture.js';
import { TempDirs } from '../../test-util/temp-dir.js';

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

async function runningContainer(command: string[], extra = {}): Promise<{ podSandboxId: string; containerId: string }> {
  f = await startRuntimeFixture({ imageRoot });
  const { podSandboxId } = await f.client.runPodSandbox({ config: podConfig('stream', temp.make()) });
  const { containerId } = await f.client.createContainer({ podSandboxId, config: containerConfig('c', command, extra) });
  await f.client.startContainer({ containerId });
  return { podSandboxId, containerId };
}

describe('the streaming server', () => {
  it('attaches to a running container: output out, stdin in, and stdinOnce closes stdin after the session', async () => {
    const { containerId } = await runningContainer(['sh', '-c', 'while read line; do echo "got $line"; done; echo bye; exit 0'], { stdin: true, stdinOnce: true });
    const { url } = await f!.client.attach({ containerId, stdin: true, stdout: true, stderr: true });
    const { ws, frames, closed } = await openChannels(url);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello\n')]));
    await eventually(() => frames.some((fr) => fr[0] === 1 && fr.subarray(1).toString().includes('got hello')) || undefined, 'the echoed line');
    ws.send(Buffer.from([255, 0]));
    await closed;
    const stdout = frames.filter((fr) => fr[0] === 1).map((fr) => fr.subarray(1).toString()).join('');
    expect(stdout).toBe('got hello\nbye\n');
    const status = await eventually(async () => {
      const s = (await f!.client.containerStatus({ containerId })).status;
      return s?.state === 'CONTAINER_EXITED' ? s : undefined;
    }, 'the container to see EOF and exit');
    expect(status.exitCode).toBe(0);
  });

  it('runs a tty container (kubectl run -it) whose terminal output reaches attach and the CRI log', async () => {
    const { containerId } = await runningContainer(['sh'], { tty: true, stdin: true, stdinOnce: true });
    const { url } = await f!.client.attach({ containerId, stdin: true, tty: true, stdout: true });
    const { ws, frames, closed } = await openChannels(url);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('tty; echo "in $((40+2))"; exit 9\n')]));
    await closed;
    const stdout = frames.filter((fr) => fr[0] === 1).map((fr) => fr.subarray(1).toString()).join('');
    expect(stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(stdout).toContain('in 42');
    const status = await eventually(async () => {
      const st = (await f!.client.containerStatus({ containerId })).status;
      return st?.state === 'CONTAINER_EXITED' ? st : undefined;
    }, 'the shell to exit');
    expect(status.exitCode).toBe(9);
    const log = parseCriLog(readFileSync(status.logPath, 'utf8'));
    expect(log.every((l) => l.stream === 'stdout')).toBe(true);
    expect(log.map((l) => l.text).join('\n')).toContain('in 42');
  });

  it('runs a tty exec with a terminal that follows resize messages', async () => {
    const { containerId } = await runningContainer(['sleep', '600']);
    const { url } = await f!.client.exec({ containerId, cmd: ['sh'], tty: true, stdin: true, stdout: true });
    const { ws, frames, closed } = await openChannels(url);
    ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: 100, Height: 40 }))]));
    const script = 'tty; i=0; while [ "$(stty size)" != "40 100" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; stty size; exit 5\n';
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(script)]));
    await closed;
    const stdout = frames.filter((fr) => fr[0] === 1).map((fr) => fr.subarray(1).toString()).join('');
    expect(stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(stdout).toMatch(/^40 100\r?$/m);
    const status = JSON.parse(frames.find((fr) => fr[0] === 3)!.subarray(1).toString());
    expect(status.details.causes).toEqual([{ reason: 'ExitCode', message: '5' }]);
  });

  it('also speaks v4.channel.k8s.io', async () => {
    const { containerId } = await runningContainer(['sleep', '600']);
    const { url } = await f!.client.exec({ containerId, cmd: ['echo', 'v4 works'], stdout: true });
    expect(await channelSession(url, undefined, 'v4.channel.k8s.io')).toMatchObject({ stdout: 'v4 works\n', status: { status: 'Success' } });
  });

  it.each([
    ['a SPDY upgrade', (url: string) => ({ url, method: 'POST', headers: { connection: 'Upgrade', upgrade: 'SPDY/3.1' } }), 400, /SPDY is not/],
    ['an unknown token', (url: string) => ({ url: url.replace(/exec\/.*/, 'exec/not-a-token'), method: 'GET', headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } }), 404, /unknown or expired/],
  ])('refuses %s with a clear HTTP error', async (_what, build, code, message) => {
    const { containerId } = await runningContainer(['sleep', '600']);
    const { url } = await f!.client.exec({ containerId, cmd: ['true'], stdout: true });
    const req = build(url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = request(req.url, { method: req.method, headers: req.headers });
      r.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      r.on('upgrade', () => reject(new Error('upgrade should have been refused')));
      r.on('error', reject);
      r.end();
    });
    expect(answer.status).toBe(code);
    expect(answer.body).toMatch(message);
  });
});
