import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { guardHostNftTables } from './host-nft-tables.js';

const nftWorks = (() => {
  try {
    execFileSync('nft', ['list', 'tables'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const nft = (...args: string[]) => execFileSync('nft', args, { encoding: 'utf8' });
const made = ['ip6 skiff_guard_empty', 'ip6 skiff_guard_used'];

describe.skipIf(!nftWorks)('guardHostNftTables', () => {
  afterEach(() => {
    for (const t of made) {
      try {
        nft('delete', 'table', ...t.split(' '));
      } catch {
        // already gone
      }
    }
  });

  it('deletes the tables added since it started that hold no rules, and nothing else', async () => {
    const restore = await guardHostNftTables();
    const before = nft('list', 'tables');
    nft('add', 'table', 'ip6', 'skiff_guard_empty');
    nft('add', 'chain', 'ip6', 'skiff_guard_empty', 'c');
    nft('add', 'table', 'ip6', 'skiff_guard_used');
    nft('add', 'chain', 'ip6', 'skiff_guard_used', 'c');
    nft('add', 'rule', 'ip6', 'skiff_guard_used', 'c', 'counter');
    expect(await restore()).toEqual(['ip6 skiff_guard_empty']);
    const after = nft('list', 'tables');
    expect(after).not.toContain('skiff_guard_empty');
    expect(after).toContain('table ip6 skiff_guard_used');
    for (const line of before.trim().split('\n')) expect(after).toContain(line);
  });
});
