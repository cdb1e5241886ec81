import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@skiff/test-util';
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError, CommandShell } from './command-shell.js';

const shell = new CommandShell();
afterAll(() => shell.close());

/** Children of `pid` (from /proc), with their states. */
function childStates(pid: number): string[] {
  const states: string[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const [state, ppid] = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(ppid) === pid) states.push(state!);
    } catch {
      // gone
    }
  }
  return states;
}

describe('CommandShell', () => {
  it('runs a command and gives its stdout and stderr, with arguments passed word for word', async () => {
    const odd = "it's a $HOME `x` \"quoted\"\nline";
    const r = await shell.run('/bin/sh', ['-c', 'printf "%s" "$1"; echo err >&2', 'sh', odd]);
    expect(r).toEqual({ stdout: odd, stderr: 'err\n' });
  });

  it('feeds input to stdin and replaces the environment when asked', async () => {
    const r = await shell.run('/bin/sh', ['-c', 'cat; echo "[$ONLY][$HOME]"'], { input: '{"cni":1}\n', env: { ONLY: 'this', PATH: '/usr/bin:/bin' } });
    expect(r.stdout).toBe('{"cni":1}\n[this][]\n');
  });

  it('rejects a failing command with its status and stderr, as execFile does', async () => {
    const err = await shell.run('/bin/sh', ['-c', 'echo out; echo "no such thing" >&2; exit 3']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err).toMatchObject({ code: 3, signal: null, stdout: 'out\n', stderr: 'no such thing\n' });
    expect((err as Error).message).toMatch(/exited with status 3: no such thing/);
  });

  it('names a command that does not exist', async () => {
    const err = await shell.run('/nonexistent/tool', ['x']).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 127 });
    expect((err as Error).message).toMatch(/\/nonexistent\/tool/);
  });

  it('kills a command that overruns its timeout', async () => {
    const t0 = Date.now();
    const err = await shell.run('/bin/sleep', ['30'], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ signal: 'SIGKILL' });
    expect((err as Error).message).toMatch(/timed out after 200 ms/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('runs many commands at once, reaps every one and leaves no files behind', async () => {
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => shell.run('/bin/echo', [String(i)])));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 200 }, (_, i) => `${i}\n`));
    await new Promise((r) => setTimeout(r, 200));
    const pid = (shell as unknown as { shell: { pid: number } }).shell.pid;
    expect(childStates(pid).filter((s) => s === 'Z')).toEqual([]);
    const prefix = (shell as unknown as { files: string }).files;
    expect(readdirSync('/dev/shm').filter((n) => `/dev/shm/${n}`.startsWith(prefix))).toEqual([]);
  });

  it('launches a long-running command in its own session with its stdio on the paths given, and reports its exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launch-'));
    try {
      writeFileSync(join(dir, 'in'), 'from stdin\n');
      const launched = await shell.launch('/bin/sh', ['-c', 'cat; pwd; echo "$ONLY" >&2; exit 7'], {
        stdio: { stdin: join(dir, 'in'), stdout: join(dir, 'out'), stderr: join(dir, 'err') },
        env: { ONLY: 'set', PATH: '/usr/bin:/bin' },
        cwd: dir,
        newSession: true,
      });
      expect(launched.pid).toBeGreaterThan(0);
      expect(await launched.exited).toBe(7);
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe(`from stdin\n${dir}\n`);
      expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('set\n');

      const sleeper = await shell.launch('/bin/sleep', ['30'], { stdio: { stdout: join(dir, 'out2') }, newSession: true });
      try {
        // the pid is known as soon as the shell forks: wait for it to become sleep
        await eventually(() => readFileSync(`/proc/${sleeper.pid}/cmdline`, 'utf8').startsWith('/bin/sleep') || undefined, 'the command to run');
        const [, , , session] = readFileSync(`/proc/${sleeper.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        expect(Number(session)).toBe(sleeper.pid);
      } finally {
        process.kill(sleeper.pid, 'SIGTERM');
      }
      expect(await sleeper.exited).toBe(143);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves a launched command running when the shell dies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launch-'));
    const launched = await shell.launch('/bin/sleep', ['30'], { stdio: { stdout: join(dir, 'out') }, newSession: true });
    try {
      process.kill((shell as unknown as { shell: { pid: number } }).shell.pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      expect(() => process.kill(launched.pid, 0)).not.toThrow();
      expect((await shell.run('/bin/echo', ['still'])).stdout).toBe('still\n');
    } finally {
      process.kill(launched.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a new shell when the old one has died, failing what it was running', async () => {
    const running = shell.run('/bin/sleep', ['30']);
    await new Promise((r) => setTimeout(r, 100));
    const old = (shell as unknown as { shell: { pid: number } }).shell.pid;
    process.kill(old, 'SIGKILL');
    await expect(running).rejects.toThrow(/the command shell exited/);
    expect((await shell.run('/bin/echo', ['again'])).stdout).toBe('again\n');
    expect((shell as unknown as { shell: { pid: number } }).shell.pid).not.toBe(old);
  });
});
