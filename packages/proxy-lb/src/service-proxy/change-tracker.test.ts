import { describe, expect, it } from 'vitest';
import { ChangeTracker } from './change-tracker.js';

describe('the change tracker', () => {
  it('hands out the changed Services once, with their EndpointSlice changes', () => {
    const t = new ChangeTracker();
    t.serviceChanged('shop/web');
    t.endpointsChanged('shop/db', 10, 'shop/db-1');
    t.endpointsChanged('shop/db', 20, 'shop/db-2');
    const first = t.take();
    expect(first.keys).toEqual(new Set(['shop/web', 'shop/db']));
    expect(first.endpointChanges.get('shop/db')).toEqual([{ seenAt: 10 }, { seenAt: 20 }]);
    expect(t.hasPending()).toBe(false);
    expect(t.take().keys).toEqual(new Set());
  });

  it('asks for every Service after everything()', () => {
    const t = new ChangeTracker();
    t.serviceChanged('shop/web');
    t.everything();
    expect(t.take().keys).toBe('all');
  });

  it.each<[string, string[], (number | undefined)[]]>([
    ['times a new trigger time', ['2025-01-01T00:00:00Z'], [Date.parse('2025-01-01T00:00:00Z')]],
    ['times a repeated trigger time once', ['2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'], [Date.parse('2025-01-01T00:00:00Z'), undefined]],
    ['ignores a trigger time that is not a date', ['yesterday'], [undefined]],
  ])('%s', (_name, triggers, expected) => {
    const t = new ChangeTracker();
    triggers.forEach((tr, i) => t.endpointsChanged('shop/web', i, 'shop/web-1', tr));
    expect(t.take().endpointChanges.get('shop/web')!.map((c) => c.triggeredAt)).toEqual(expected);
  });

  it('times a trigger time again once its slice was deleted and made anew', () => {
    const t = new ChangeTracker();
    t.endpointsChanged('shop/web', 1, 'shop/web-1', '2025-01-01T00:00:00Z');
    t.sliceDeleted('shop/web-1');
    t.endpointsChanged('shop/web', 2, 'shop/web-1', '2025-01-01T00:00:00Z');
    expect(t.take().endpointChanges.get('shop/web')!.filter((c) => c.triggeredAt !== undefined)).toHaveLength(2);
  });

  it('puts a failed Service back ahead of newer changes', () => {
    const t = new ChangeTracker();
    t.endpointsChanged('shop/web', 1, 'shop/web-1');
    const { endpointChanges } = t.take();
    t.endpointsChanged('shop/web', 5, 'shop/web-1');
    t.putBack('shop/web', endpointChanges.get('shop/web'));
    const again = t.take();
    expect(again.keys).toEqual(new Set(['shop/web']));
    expect(again.endpointChanges.get('shop/web')!.map((c) => c.seenAt)).toEqual([1, 5]);
  });
});
