import { describe, expect, it } from 'vitest';
import { expandReferences } from './expand-references.js';

const vars: Record<string, string> = { A: '1', B: 'two' };
const lookup = (n: string) => vars[n];

describe('expandReferences', () => {
  it.each([
    ['$(A)-x', '1-x'],
    ['$(A)$(B)', '1two'],
    ['$(C)', '$(C)'],
    ['$$(A)', '$(A)'],
    ['$(A', '$(A'],
    ['$x', '$x'],
    ['cost $', 'cost $'],
    ['$()', '$()'],
    ['no refs', 'no refs'],
  ])('expands %j to %j', (input, want) => {
    expect(expandReferences(input, lookup)).toBe(want);
  });
});
