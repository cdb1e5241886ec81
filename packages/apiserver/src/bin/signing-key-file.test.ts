import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenIssuer } from '../handlers/token-request.js';
import { FlagError } from './flags.js';
import { loadSigningKey } from './signing-key-file.js';

const dir = mkdtempSync(join(tmpdir(), 'skiff-sa-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--service-account-signing-key-file', () => {
  it('creates a missing key, owner-only, and reads the same key back on the next start', () => {
    const file = join(dir, 'sa.key');
    const first = loadSigningKey(file);
    expect(first.length).toBe(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadSigningKey(file);
    expect(again.equals(first)).toBe(true);
    // What the key is for: a token signed before a restart verifies after it, and not under another key.
    const token = new TokenIssuer(first).sign({ sub: 'system:serviceaccount:default:robot' });
    expect(new TokenIssuer(again).verify(token)).toEqual({ sub: 'system:serviceaccount:default:robot' });
    expect(new TokenIssuer().verify(token)).toBeUndefined();
  });

  it('refuses a key too short to sign with, and a path it cannot create', () => {
    const short = join(dir, 'short.key');
    writeFileSync(short, 'abc');
    expect(() => loadSigningKey(short)).toThrow(FlagError);
    expect(() => loadSigningKey(short)).toThrow(/holds 3 bytes; a key needs at least 16/);
    expect(() => loadSigningKey(join(dir, 'no', 'such', 'dir', 'sa.key'))).toThrow(/cannot create/);
  });
});
