import { describe, expect, it } from 'vitest';
import { nodeColumns } from './core-columns.js';

const statusOf = (node: object): unknown => nodeColumns.find((c) => c.name === 'Status')!.cell(node as never, Date.now());

describe('the node STATUS column', () => {
  it.each([
    ['Ready when the Ready condition is True', [{ type: 'Ready', status: 'True' }], false, 'Ready'],
    ['NotReady when it is False', [{ type: 'Ready', status: 'False' }], false, 'NotReady'],
    ['NotReady when the node stopped reporting (Unknown), as kubectl prints it', [{ type: 'Ready', status: 'Unknown' }], false, 'NotReady'],
    ['Unknown only without any Ready condition', [{ type: 'MemoryPressure', status: 'False' }], false, 'Unknown'],
    ['SchedulingDisabled added for a cordoned node', [{ type: 'Ready', status: 'True' }], true, 'Ready,SchedulingDisabled'],
  ])('%s', (_what, conditions, unschedulable, expected) => {
    expect(statusOf({ metadata: { name: 'n' }, spec: { unschedulable }, status: { conditions } })).toBe(expected);
  });
});
