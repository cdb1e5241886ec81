/**
 * bench/results/summary.md: the same results as report.html in Markdown, for the README and for reading in a
 * terminal or on a code host. Per suite: when and where it ran, every ratio with its target and whether it was met,
 * every measured figure, and the suite's notes (which state each missed target in words).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReports } from './report.js';
import type { SuiteReport } from './result.js';

function num(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  if (Math.abs(n) >= 0.01) return n.toFixed(2);
  return n.toPrecision(2);
}

/** Markdown table cells may not hold a bare pipe. */
const cell = (s: string) => s.replace(/\|/g, '\\|');

function ratioRows(r: SuiteReport): string[] {
  if (!r.ratios.length) return [];
  return [
    '| ratio | value | target | met |',
    '|---|---:|---:|:---:|',
    ...r.ratios.map((x) => `| ${cell(x.name)} | ${num(x.value)} | ${x.target === undefined ? '' : num(x.target)} | ${x.target === undefined ? '' : x.value >= x.target ? 'yes' : '**no**'} |`),
  ];
}

function resultRows(r: SuiteReport): string[] {
  if (!r.results.length) return [];
  return [
    '| measurement | engine | value | unit | p50 | p99 |',
    '|---|---|---:|---|---:|---:|',
    ...r.results.map((x) => `| ${cell(x.name)} | ${cell(x.engine)} | ${num(x.value)} | ${cell(x.unit)} | ${num(x.p50)} | ${num(x.p99)} |`),
  ];
}

export function targetsMet(r: SuiteReport): { met: number; total: number } {
  const t = r.ratios.filter((x) => x.target !== undefined);
  return { met: t.filter((x) => x.value >= x.target!).length, total: t.length };
}

export function renderSummary(reports: SuiteReport[]): string {
  const lines = ['# Skiff benchmark results', ''];
  lines.push('| suite | targets met | run | machine |', '|---|---:|---|---|');
  for (const r of reports) {
    const { met, total } = targetsMet(r);
    lines.push(`| [${r.suite}](#${r.suite}) | ${met}/${total} | ${r.machine.date.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' (quick)' : ''} | ${r.machine.cpus} × ${cell(r.machine.cpuModel)}, Node ${r.machine.node} |`);
  }
  for (const r of reports) {
    lines.push('', `## ${r.suite}`, '');
    const ratios = ratioRows(r);
    if (ratios.length) lines.push(...ratios, '');
    const results = resultRows(r);
    if (results.length) lines.push(...results, '');
    if (r.notes.length) lines.push(...r.notes.map((n) => `- ${n}`), '');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}

/** Rebuilds summary.md from every suite result in the directory; returns its path. */
export function writeSummary(resultsDir: string): string {
  const path = join(resultsDir, 'summary.md');
  writeFileSync(path, renderSummary(loadReports(resultsDir)));
  return path;
}
