/**
 * The CNI portmap plugin tears its chains down for both address families through iptables-nft, and that creates an
 * empty `ip6 nat` table on a host that had none. Tests leave the host as they found it: a run notes the host's
 * nftables tables first and at the end deletes the ones it added that hold no rules (a table with rules is
 * something a test still uses or a person should see, so it stays).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** "family name" of every table, or undefined where nft is missing or not allowed (not root). */
async function listTables(): Promise<Set<string> | undefined> {
  try {
    const { stdout } = await run('nft', ['list', 'tables']);
    return new Set(stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('table ')).map((l) => l.slice('table '.length)));
  } catch {
    return undefined;
  }
}

async function holdsRules(table: string): Promise<boolean> {
  const { stdout } = await run('nft', ['-j', 'list', 'table', ...table.split(' ')]);
  return (JSON.parse(stdout).nftables as object[]).some((entry) => 'rule' in entry);
}

/** Call before the tests; the function it returns, after them, deletes the empty tables they left. */
export async function guardHostNftTables(): Promise<() => Promise<string[]>> {
  const before = await listTables();
  return async () => {
    if (!before) return [];
    const removed: string[] = [];
    for (const table of (await listTables()) ?? []) {
      if (before.has(table) || (await holdsRules(table).catch(() => true))) continue;
      await run('nft', ['delete', 'table', ...table.split(' ')]).then(
        () => removed.push(table),
        () => undefined,
      );
    }
    return removed;
  };
}
