/**
 * `skiff bench [suite...] [--quick] [--json FILE]`: runs the repository's benchmark suites (what `pnpm bench` runs),
 * passing the arguments through; the suites parse and check them.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, CommandResult } from '../cli/command.js';
import { workspaceRoot } from '../components/components.js';
import { ClusterError } from '../errors.js';

export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the benchmark suites: skiff bench [suite...] [--quick] [--json FILE]',
  async run(argv): Promise<CommandResult> {
    const root = workspaceRoot();
    const runner = join(root, 'bench', 'src', 'run.ts');
    if (!existsSync(runner)) throw new ClusterError('ComponentMissing', `${runner} is missing: the bench suites live in the repository's bench/`);
    // The suites are TypeScript run through tsx, as `pnpm bench` does; tsx resolves from the repository root.
    const child = spawn(process.execPath, ['--import', 'tsx', runner, ...argv], { cwd: root, stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise<number>((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 128 + 2 : 1))));
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    return code;
  },
};
