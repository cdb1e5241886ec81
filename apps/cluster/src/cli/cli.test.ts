import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSkiff } from '../../test-util/skiff-cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'skiff-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the skiff command line', () => {
  it('lists the cluster commands and the components on --help', async () => {
    const r = await runSkiff(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['up', 'status', 'reset', 'image', 'nodes', 'bench', 'store', 'apiserver', 'scheduler', 'controller-manager', 'node', 'proxy']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('exits 2 with the list of commands when given none', async () => {
    const r = await runSkiff([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/Usage: skiff COMMAND/);
  });

  it.each([
    [['frobnicate'], 'skiff: unknown command "frobnicate"'],
    [['--nodes', '3'], 'skiff: unknown flag --nodes (flags go after the command)'],
    [['up', '--nodes', 'three'], 'skiff up: --nodes: "three" is not a whole number (0-200)'],
    [['up', '--nodez', '3'], 'skiff up: unknown flag --nodez (did you mean --nodes?)'],
    [['up', '--store', 'etcd'], 'skiff up: --store etcd needs --etcd-endpoints URL[,URL...] (e.g. http://127.0.0.1:2379)'],
    [['up', 'now'], 'skiff up: unexpected argument "now"'],
    [['status', '--json=yes'], 'skiff status: --json: "yes" is not true or false'],
    [['reset', '--data-dir'], 'skiff reset: --data-dir needs a value (DIR)'],
    [['image', 'export', 'x.tar'], 'skiff image: unknown subcommand "export" (there is: import)'],
    [['image', 'import'], 'skiff image import: needs the archive file to import'],
    [['nodes', 'add', 'lots'], 'skiff nodes add: N: "lots" is not a whole number (1-50)'],
    [['fake-nodes'], 'skiff fake-nodes: --count is required'],
  ])('exits 2 on %j, naming the problem: %s', async (args, message) => {
    const r = await runSkiff(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message);
    expect(r.stderr).toMatch(/Run 'skiff[a-z -]*--help' for usage\./);
  });

  it('prints each command\'s own help with its flags and defaults', async () => {
    const r = await runSkiff(['up', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: skiff up \[flags\]/);
    expect(r.stdout).toMatch(/--nodes N\s+.*\(default 2, or as many as the cluster had\)/);
    expect(r.stdout).toMatch(/--store KIND/);
  });

  it('passes a component\'s arguments to the component, whose own flag errors exit 2', async () => {
    const help = await runSkiff(['apiserver', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: skiff-apiserver/);
    const bad = await runSkiff(['apiserver', '--port', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/skiff-apiserver: --port: "abc" is not a port number/);
  });

  it('says there is no cluster when status, image import or nodes add find none', async () => {
    const dataDir = join(scratch, 'none');
    const status = await runSkiff(['status', '--data-dir', dataDir]);
    expect(status.code).toBe(3);
    expect(status.stdout).toBe(`no cluster in ${dataDir} (\`pnpm dev\` or \`skiff up\` creates one)\n`);
    const archive = join(scratch, 'image.tar');
    writeFileSync(archive, '');
    const image = await runSkiff(['image', 'import', archive, '--data-dir', dataDir]);
    expect(image.code).toBe(1);
    expect(image.stderr).toMatch(/no cluster in .*none: start one with `pnpm dev`/);
    const nodes = await runSkiff(['nodes', 'add', '--data-dir', dataDir]);
    expect(nodes.code).toBe(1);
    expect(nodes.stderr).toMatch(/no cluster is running from .*none/);
  });

  it('resets a data dir that holds no cluster description by deleting it', async () => {
    const dataDir = join(scratch, 'junk');
    const r0 = await runSkiff(['reset', '--data-dir', dataDir]);
    expect(r0.stdout).toMatch(/nothing to reset/);
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const r = await runSkiff(['reset', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(`removed data dir ${dataDir}`);
    expect(existsSync(dataDir)).toBe(false);
  });
});
