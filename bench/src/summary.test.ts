import { describe, expect, it } from 'vitest';
import type { SuiteReport } from './result.js';
import { renderSummary, targetsMet } from './summary.js';

const machine = { cpus: 2, node: 'v20.20.2', cpuModel: 'test cpu', date: '2026-11-22T01:02:03Z' };

function suite(over: Partial<SuiteReport>): SuiteReport {
  return { suite: 'store', machine, quick: false, results: [], ratios: [], notes: [], ...over };
}

describe('the Markdown summary', () => {
  const store = suite({
    ratios: [
      { name: 'get wasm/ts', value: 2, target: 1.5 },
      { name: 'put wasm/ts', value: 1.2, target: 1.5 },
      { name: 'info | only', value: 3 },
    ],
    results: [{ name: 'put @100000', engine: 'wasm', unit: 'ops/s', value: 512345.6, p50: 1.5, p99: 12.25 }],
    notes: ['target missed: put wasm/ts = 1.20 (target 1.5)'],
  });

  it('counts the targets met, ignoring ratios without one', () => {
    expect(targetsMet(store)).toEqual({ met: 1, total: 2 });
  });

  it('has a row per suite with its run time and machine, and marks missed targets', () => {
    const md = renderSummary([store, suite({ suite: 'lb', quick: true })]);
    expect(md).toContain('| [store](#store) | 1/2 | 2026-11-22 01:02 UTC | 2 × test cpu, Node v20.20.2 |');
    expect(md).toContain('| [lb](#lb) | 0/0 | 2026-11-22 01:02 UTC (quick) |');
    expect(md).toContain('| get wasm/ts | 2.00 | 1.50 | yes |');
    expect(md).toContain('| put wasm/ts | 1.20 | 1.50 | **no** |');
    expect(md).toContain('| info \\| only | 3.00 |  |  |');
  });

  it('lists every measurement with its unit and percentiles, and the notes', () => {
    const md = renderSummary([store]);
    expect(md).toContain('| put @100000 | wasm | 512,346 | ops/s | 1.50 | 12.3 |');
    expect(md).toContain('- target missed: put wasm/ts = 1.20 (target 1.5)');
  });
});
