#!/usr/bin/env tsx
/**
 * `pnpm dev`: runs `skiff up` (apps/cluster) with the arguments given, after `pnpm build` (which `pnpm dev` runs
 * first). State lives in .skiff/ at the repository root unless --data-dir says otherwise; `pnpm dev --help` lists
 * the flags. It runs in this process (`node --import tsx`, not the `tsx` CLI, which would relay the terminal's
 * Ctrl-C a second time and so turn a graceful stop into a forced one), so Ctrl-C reaches `skiff up` once and it
 * stops the cluster in order.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'apps', 'cluster', 'dist', 'index.js');

async function main(): Promise<void> {
  if (!existsSync(cli)) {
    process.stderr.write(`skiff dev: ${cli} is missing: run \`pnpm build\` first (\`pnpm dev\` does)\n`);
    process.exit(1);
  }
  // pnpm passes a literal "--" through when called as `pnpm dev -- --nodes 3`.
  const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  const { runCli } = (await import(pathToFileURL(cli).href)) as { runCli(argv: string[]): Promise<number | 'serving'> };
  const result = await runCli(['up', ...args]);
  if (result !== 'serving') process.exit(result);
}

void main();
