import { describe, expect, it } from 'vitest';
import { fitErrorMessage, type Diagnosis, type NodeVerdict } from './diagnosis.js';

const verdict = (...reasons: string[]): NodeVerdict => ({ code: 'Unschedulable', plugin: 'X', reasons });

function diagnosis(entries: [string, NodeVerdict][], postFilterMsg?: string): Diagnosis {
  return { nodeToStatus: new Map(entries), unschedulablePlugins: new Set(), postFilterMsg };
}

describe('fitErrorMessage', () => {
  // sort.Strings puts "2 node(s)..." before "3 Insufficient cpu", whatever the counts say.
  it('counts reasons over nodes and sorts the "<count> <reason>" strings', () => {
    const d = diagnosis([
      ['n1', verdict('Insufficient cpu')],
      ['n2', verdict('Insufficient cpu')],
      ['n3', verdict('Insufficient cpu')],
      ['n4', verdict('node(s) had untolerated taint {key: value}')],
      ['n5', verdict('node(s) had untolerated taint {key: value}')],
    ]);
    expect(fitErrorMessage(5, d)).toBe('0/5 nodes are available: 2 node(s) had untolerated taint {key: value}, 3 Insufficient cpu.');
  });

  it('counts every reason of a node that has several', () => {
    const d = diagnosis([['n1', verdict('Insufficient cpu', 'Insufficient memory')]]);
    expect(fitErrorMessage(1, d)).toBe('0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.');
  });

  it('sorts as strings, so 10 comes before 2', () => {
    const entries: [string, NodeVerdict][] = [];
    for (let i = 0; i < 10; i++) entries.push([`a${i}`, verdict('Too many pods')]);
    entries.push(['b1', verdict('Insufficient cpu')], ['b2', verdict('Insufficient cpu')]);
    expect(fitErrorMessage(12, diagnosis(entries))).toBe('0/12 nodes are available: 10 Too many pods, 2 Insufficient cpu.');
  });

  it("appends PostFilter's message with its own period, hence kube-scheduler's double period", () => {
    const d = diagnosis([['n1', verdict('Insufficient cpu')]], 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
    expect(fitErrorMessage(1, d)).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..',
    );
  });
});
