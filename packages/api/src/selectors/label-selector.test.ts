import { describe, expect, it } from 'vitest';
import { isStatusError } from '../errors.js';
import { labelSelectorFromObject, parseLabelSelector } from './label-selector.js';

const labels = { app: 'web', tier: 'frontend', replicas: '3' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=db', false],
    ['app', true],
    ['!app', false],
    ['missing', false],
    ['!missing', true],
    ['app in (web,db)', true],
    ['app notin (web,db)', false],
    ['tier in (backend)', false],
    ['app=web,tier=frontend', true],
    ['app=web, tier=backend', false],
    ['replicas>2', true],
    ['replicas<3', false],
    ['missing notin (x)', true],
  ])('%j matches the labels: %s', (sel, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it.each(['a b', 'app in ()', '=x', 'app=web,', 'in (a)', 'x>y', 'bad key=v', 'app=a=b'])('rejects %j with a 400', (sel) => {
    let err: unknown;
    try {
      parseLabelSelector(sel);
    } catch (e) {
      err = e;
    }
    expect(isStatusError(err, 'BadRequest')).toBe(true);
  });

  it('accepts an empty value, which selects the empty label', () => {
    expect(parseLabelSelector('app=').matches({ app: '' })).toBe(true);
  });

  it('prints the requirements sorted by key', () => {
    expect(parseLabelSelector('tier in (b,a),app=web').toString()).toBe('app=web,tier in (a,b)');
  });

  it.each([
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'db' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [{}, true],
  ])('the selector object %j matches: %s', (sel, want) => {
    expect(labelSelectorFromObject(sel).matches(labels)).toBe(want);
  });

  it('treats an absent selector object as matching nothing', () => {
    expect(labelSelectorFromObject(undefined).matches(labels)).toBe(false);
  });
});
