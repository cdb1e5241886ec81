import { describe, expect, it } from 'vitest';
import { renderReport } from './report.js';
import type { SuiteReport } from './result.js';

const machine = { cpus: 2, node: 'v20.20.2', cpuModel: 'test cpu', date: '2026-11-22T00:00:00Z' };

function suite(over: Partial<SuiteReport>): SuiteReport {
  return { suite: 'store', machine, quick: false, results: [], ratios: [], notes: [], ...over };
}

describe('the benchmark report', () => {
  it('counts met and missed targets per suite', () => {
    const html = renderReport([
      suite({
        ratios: [
          { name: 'get wasm/ts', value: 2, target: 1.5 },
          { name: 'put wasm/ts', value: 1.2, target: 1.5 },
          { name: 'info only', value: 3 },
        ],
      }),
    ]);
    expect(html).toContain('1/2 targets met');
    expect(html).toContain('fill="#27ae60"');
    expect(html).toContain('fill="#c0392b"');
  });

  it('draws one bar per engine for each measured figure, with its unit', () => {
    const html = renderReport([
      suite({
        results: [
          { name: 'get @100000', engine: 'wasm', unit: 'ops/s', value: 2_000_000 },
          { name: 'get @100000', engine: 'ts', unit: 'ops/s', value: 1_000_000 },
        ],
      }),
    ]);
    expect(html.match(/<rect /g)).toHaveLength(2);
    expect(html).toContain('2.00M ops/s');
    expect(html).toContain('1.00M ops/s');
  });

  it('escapes names and notes so the page stays well formed', () => {
    const html = renderReport([suite({ suite: 'a<b', notes: ['x & "y"'] })]);
    expect(html).toContain('a&lt;b');
    expect(html).toContain('x &amp; &quot;y&quot;');
    expect(html).not.toContain('a<b');
  });

  it('says which runs were quick', () => {
    expect(renderReport([suite({ quick: true })])).toContain('quick run');
  });
});
