import os from 'node:os';

/** One measured figure. `value` is in `unit` (ops/s, ms, bytes...); p50/p99 when the figure is a latency. */
export interface BenchResult {
  name: string;
  engine: string;
  unit: string;
  value: number;
  p50?: number;
  p99?: number;
}

/** A ratio between two results (e.g. wasm / ts), with the target it should meet, if any. */
export interface BenchRatio {
  name: string;
  value: number;
  target?: number;
}

export interface SuiteReport {
  suite: string;
  machine: { cpus: number; node: string; cpuModel: string; date: string };
  quick: boolean;
  results: BenchResult[];
  ratios: BenchRatio[];
  /** Plain statements about targets missed or caveats, shown with the table and in the report. */
  notes: string[];
}

export interface SuiteContext {
  quick: boolean;
  /** Progress lines for a person watching a long run. */
  log(msg: string): void;
}

export interface Suite {
  name: string;
  description: string;
  run(ctx: SuiteContext): Promise<Omit<SuiteReport, 'suite' | 'machine' | 'quick'>>;
}

export function machineInfo(): SuiteReport['machine'] {
  return {
    cpus: os.cpus().length,
    node: process.version,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    date: new Date().toISOString(),
  };
}

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(3);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

export function formatReport(r: SuiteReport): string {
  const lines: string[] = [];
  lines.push(`== ${r.suite} (${r.machine.cpus} cpus, node ${r.machine.node}${r.quick ? ', quick' : ''})`);
  lines.push(
    table([
      ['name', 'engine', 'value', 'unit', 'p50', 'p99'],
      ...r.results.map((x) => [x.name, x.engine, fmt(x.value), x.unit, fmt(x.p50), fmt(x.p99)]),
    ]),
  );
  if (r.ratios.length) {
    lines.push('');
    lines.push(
      table([
        ['ratio', 'value', 'target', 'met'],
        ...r.ratios.map((x) => [x.name, fmt(x.value), x.target === undefined ? '' : fmt(x.target), x.target === undefined ? '' : x.value >= x.target ? 'yes' : 'NO']),
      ]),
    );
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
