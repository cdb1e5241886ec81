import { describe, expect, it } from 'vitest';
import { isStatusError } from '../errors.js';
import { fieldLabelsOf } from './field-labels.js';
import { parseFieldSelector } from './field-selector.js';

const pod = { metadata: { name: 'web', namespace: 'default' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };

describe('field selectors', () => {
  it.each([
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name!=web', false],
    ['spec.nodeName=n1,status.phase=Running', true],
    ['spec.nodeName=n2', false],
    ['spec.nodeName=', false],
    ['status.phase!=Pending', true],
  ])('%j on a pod gives %s', (sel, want) => {
    expect(parseFieldSelector(sel).matches(fieldLabelsOf('', 'pods', pod))).toBe(want);
  });

  it('unescapes commas and equals signs in values', () => {
    const s = parseFieldSelector('metadata.name=a\\,b\\=c');
    expect(s.requirements).toEqual([{ field: 'metadata.name', operator: '=', value: 'a,b=c' }]);
  });

  it('rejects a requirement without an operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow();
    try {
      parseFieldSelector('metadata.name');
    } catch (e) {
      expect(isStatusError(e, 'BadRequest')).toBe(true);
    }
  });
});
