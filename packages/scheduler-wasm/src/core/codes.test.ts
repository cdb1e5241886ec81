import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as codes from './codes.js';
import { REGION_NAMES } from './layout.js';

/** The kernel cannot import TypeScript; these tests keep its mirrors of the contract in step. */
describe('the kernel contract', () => {
  const asCodes = readFileSync(new URL('../../assembly/codes.ts', import.meta.url), 'utf8');
  const asLayout = readFileSync(new URL('../../assembly/layout.ts', import.meta.url), 'utf8');

  it('has every constant of codes.ts in assembly/codes.ts with the same value', () => {
    for (const [name, value] of Object.entries(codes)) {
      if (typeof value === 'number') {
        expect(asCodes, name).toContain(`export const ${name}: i32 = ${value};`);
        continue;
      }
      const body = new RegExp(`export namespace ${name} \\{([^}]*)\\}`).exec(asCodes)?.[1];
      expect(body, name).toBeDefined();
      for (const [k, v] of Object.entries(value as Record<string, number>)) expect(body, `${name}.${k}`).toContain(`export const ${k}: i32 = ${v};`);
    }
  });

  it('reads region offsets in the order layout.ts writes them', () => {
    REGION_NAMES.forEach((name, i) => {
      const global = 'g' + name[0]!.toUpperCase() + name.slice(1);
      expect(asLayout, name).toContain(`${global} = at(desc, ${i});`);
    });
    expect(asLayout).toContain(`REGION_COUNT: i32 = ${REGION_NAMES.length};`);
  });
});
