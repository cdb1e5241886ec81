// The real kubectl, against nothing (a loopback port nobody listens on) where it needs a server: what is under
// test is the wrapper (kubeconfig, exit codes, stdin, output, processes, cleanup), not a server.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubectlError, KubectlOutputError } from './errors.js';
import { testKubeconfig } from './kubeconfig.js';
import { kubectlFor, kubectlForKubeconfig, type Kubectl } from './kubectl.js';

/** A loopback URL nothing listens on (bound, then released), so kubectl's connections to it are refused. */
async function refusedUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const made: Kubectl[] = [];
const scratch: string[] = [];

afterEach(async () => {
  for (const k of made.splice(0)) await k.cleanup();
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function kubectl(): Promise<Kubectl> {
  const k = kubectlFor(await refusedUrl());
  made.push(k);
  return k;
}

describe('kubectlFor', () => {
  it('points kubectl at the server through a kubeconfig of its own, in namespace default', async () => {
    const url = await refusedUrl();
    const k = kubectlFor(url);
    made.push(k);
    expect(k.kubeconfig.startsWith(k.dir)).toBe(true);
    const config = await k.json<any>(['config', 'view']);
    expect(config.clusters[0].cluster.server).toBe(url);
    expect(await k.ok(['config', 'view', '--minify', '-o', 'jsonpath={.contexts[0].context.namespace}'])).toBe('default');
  });

  it('resolves run() with the exit code and stderr of a failing command, and rejects ok() with both', async () => {
    const k = await kubectl();
    const r = await k.run(['get', 'pods', '--request-timeout=5s']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/connection refused/);
    const err = await k.ok(['get', 'pods', '--request-timeout=5s']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubectlError);
    expect((err as KubectlError).result.code).toBe(r.code);
    expect((err as KubectlError).message).toMatch(/^kubectl get pods --request-timeout=5s exited \d+: .*connection refused/s);
  });

  it('passes stdin through', async () => {
    const k = await kubectl();
    // label --local reads the object from stdin and needs no server
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-stdin}\n';
    expect(await k.ok(['label', '--local', '-f', '-', '-o', 'jsonpath={.metadata.name}', 'a=b'], { stdin: manifest })).toBe('from-stdin');
  });

  it('writes files into its dir and applies a manifest from a file of its own', async () => {
    const k = await kubectl();
    const path = await k.file('cm.yaml', 'kind: ConfigMap\n');
    expect(path).toBe(join(k.dir, 'cm.yaml'));
    expect(readFileSync(path, 'utf8')).toBe('kind: ConfigMap\n');
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\n';
    const err = await k.apply(manifest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubectlError);
    const [verb, flag, file] = (err as KubectlError).args;
    expect([verb, flag]).toEqual(['apply', '-f']);
    expect(readFileSync(file!, 'utf8')).toBe(manifest);
  });
});

describe('a long-running kubectl', () => {
  it('resolves waitFor once the output matches, and stop() ends it with the signal given', async () => {
    const k = await kubectl();
    const proxy = k.spawn(['proxy', '--port=0']);
    const out = await proxy.waitFor(/Starting to serve on 127\.0\.0\.1:\d+/g);
    expect(out).toMatch(/Starting to serve on 127\.0\.0\.1:\d+/);
    // a /g pattern matches again: its lastIndex plays no part
    await proxy.waitFor(/Starting to serve/g);
    await proxy.stop('SIGINT');
    expect(await proxy.exited()).not.toBe(0);
  });

  it('has all of its output once it has exited, and rejects a wait for what it never printed', async () => {
    const k = await kubectl();
    const version = k.spawn(['version', '--client']);
    const err = await version.waitFor(/never printed/).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubectlOutputError);
    expect((err as KubectlOutputError).ending).toBe('exited');
    expect(await version.exited()).toBe(0);
    expect(version.output()).toMatch(/^Client Version: v\d+\.\d+\.\d+/);
  });

  it('rejects a wait at its bound while the process still runs', async () => {
    const k = await kubectl();
    const proxy = k.spawn(['proxy', '--port=0']);
    const err = await proxy.waitFor(/never printed/, 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubectlOutputError);
    expect((err as KubectlOutputError).ending).toBe('timeout');
    await proxy.stop();
  });

  it('is ended by cleanup(), which also removes the dir', async () => {
    const k = kubectlFor(await refusedUrl());
    const proxy = k.spawn(['proxy', '--port=0']);
    await proxy.waitFor(/Starting to serve/);
    await k.cleanup();
    expect(await proxy.exited()).toBe(-1);
    expect(existsSync(k.dir)).toBe(false);
  });
});

describe('kubectlForKubeconfig', () => {
  it('uses the kubeconfig it is given and leaves it in place on cleanup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-kubeconfig-'));
    scratch.push(dir);
    const kubeconfig = join(dir, 'kubeconfig');
    const url = await refusedUrl();
    writeFileSync(kubeconfig, testKubeconfig(url));
    const k = kubectlForKubeconfig(kubeconfig);
    expect(await k.ok(['config', 'view', '-o', 'jsonpath={.clusters[0].cluster.server}'])).toBe(url);
    await k.cleanup();
    expect(existsSync(k.dir)).toBe(false);
    expect(existsSync(kubeconfig)).toBe(true);
  });
});
