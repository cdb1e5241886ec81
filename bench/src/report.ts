/**
 * bench/results/report.html: one self-contained page (inline SVG and CSS, no scripts, no server) built from every
 * bench/results/<suite>.json. Per suite: the ratios against their targets (WASM vs TS, and each suite's anchors such
 * as real etcd, sorted-btree or kube-scheduler's CI figure), then every measured figure grouped by name with one bar
 * per engine, then the suite's notes.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRatio, BenchResult, SuiteReport } from './result.js';

const BAR_W = 420;
const ROW_H = 18;
const LABEL_W = 230;
const palette: Record<string, string> = { wasm: '#5b4bdb', ts: '#2f9e8f', 'sorted-btree': '#c98a1b', etcd: '#c0392b' };
const fallbackColors = ['#7f8c8d', '#8e44ad', '#d35400', '#16a085', '#2c3e50'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 100) return n.toFixed(0);
  if (a >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

function colorOf(engine: string, others: string[]): string {
  const known = palette[engine];
  if (known) return known;
  const i = others.indexOf(engine);
  return fallbackColors[(i < 0 ? 0 : i) % fallbackColors.length]!;
}

/** Horizontal bars of each ratio, with its target drawn as a line; met in green, missed in red. */
function ratioChart(ratios: BenchRatio[]): string {
  if (ratios.length === 0) return '';
  const max = Math.max(...ratios.map((r) => Math.max(r.value, r.target ?? 0)), 1) * 1.1;
  const h = ratios.length * ROW_H + 10;
  const rows = ratios.map((r, i) => {
    const y = i * ROW_H + 4;
    const w = Math.max(1, (r.value / max) * BAR_W);
    const met = r.target === undefined ? undefined : r.value >= r.target;
    const fill = met === undefined ? '#95a5a6' : met ? '#27ae60' : '#c0392b';
    const target =
      r.target === undefined
        ? ''
        : `<line x1="${LABEL_W + (r.target / max) * BAR_W}" x2="${LABEL_W + (r.target / max) * BAR_W}" y1="${y - 2}" y2="${y + ROW_H - 4}" stroke="#111" stroke-width="2"><title>target ${r.target}</title></line>`;
    return `<text x="${LABEL_W - 6}" y="${y + 11}" text-anchor="end">${esc(r.name)}</text>
<rect x="${LABEL_W}" y="${y}" width="${w}" height="${ROW_H - 6}" fill="${fill}"><title>${esc(r.name)}: ${fmt(r.value)}${r.target === undefined ? '' : ` (target ${r.target})`}</title></rect>
<text x="${LABEL_W + w + 4}" y="${y + 11}">${fmt(r.value)}${r.target === undefined ? '' : ` / ${r.target}`}</text>${target}`;
  });
  return `<svg width="${LABEL_W + BAR_W + 110}" height="${h}" class="chart">${rows.join('\n')}</svg>`;
}

/** Results grouped by name; each group scaled on its own (units differ between groups). */
function resultCharts(results: BenchResult[]): string {
  const groups = new Map<string, BenchResult[]>();
  for (const r of results) groups.set(r.name, [...(groups.get(r.name) ?? []), r]);
  const engines = [...new Set(results.map((r) => r.engine))];
  const legend = engines.map((e) => `<span class="key" style="background:${colorOf(e, engines)}"></span>${esc(e)}`).join(' ');
  const blocks: string[] = [];
  for (const [name, rs] of groups) {
    const max = Math.max(...rs.map((r) => r.value), 1e-12);
    const h = rs.length * ROW_H + 4;
    const bars = rs.map((r, i) => {
      const y = i * ROW_H + 2;
      const w = Math.max(1, (r.value / max) * BAR_W);
      const pct = r.p50 !== undefined ? ` (p50 ${fmt(r.p50)}${r.p99 !== undefined ? `, p99 ${fmt(r.p99)}` : ''})` : '';
      return `<text x="${LABEL_W - 6}" y="${y + 11}" text-anchor="end">${esc(r.engine)}</text>
<rect x="${LABEL_W}" y="${y}" width="${w}" height="${ROW_H - 6}" fill="${colorOf(r.engine, engines)}"><title>${esc(name)} ${esc(r.engine)}: ${fmt(r.value)} ${esc(r.unit)}${pct}</title></rect>
<text x="${LABEL_W + w + 4}" y="${y + 11}">${fmt(r.value)} ${esc(r.unit)}${esc(pct)}</text>`;
    });
    blocks.push(`<div class="group"><div class="gname">${esc(name)}</div><svg width="${LABEL_W + BAR_W + 220}" height="${h}" class="chart">${bars.join('\n')}</svg></div>`);
  }
  return `<p class="legend">${legend}</p>${blocks.join('\n')}`;
}

function suiteSection(r: SuiteReport): string {
  const targets = r.ratios.filter((x) => x.target !== undefined);
  const missed = targets.filter((x) => x.value < x.target!);
  return `<section id="${esc(r.suite)}">
<h2>${esc(r.suite)} <small>${targets.length - missed.length}/${targets.length} targets met${r.quick ? ' · quick run' : ''}</small></h2>
<p class="machine">${r.machine.cpus} × ${esc(r.machine.cpuModel)}, Node ${esc(r.machine.node)}, ${esc(r.machine.date)}</p>
<h3>Ratios and targets</h3>
${ratioChart(r.ratios) || '<p>No ratios.</p>'}
<h3>Measurements</h3>
${resultCharts(r.results)}
${r.notes.length ? `<h3>Notes</h3><ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</section>`;
}

export function loadReports(resultsDir: string): SuiteReport[] {
  return readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) as SuiteReport)
    .filter((r) => typeof r.suite === 'string' && Array.isArray(r.results) && Array.isArray(r.ratios));
}

export function renderReport(reports: SuiteReport[]): string {
  const summary = reports
    .map((r) => {
      const t = r.ratios.filter((x) => x.target !== undefined);
      const met = t.filter((x) => x.value >= x.target!).length;
      return `<tr><td><a href="#${esc(r.suite)}">${esc(r.suite)}</a></td><td>${met}/${t.length}</td><td>${esc(r.machine.date)}</td><td>${r.quick ? 'quick' : 'full'}</td></tr>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Skiff benchmarks</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}
h2 small{font-weight:normal;color:#666;font-size:.7em}
.chart text{font:11px system-ui,sans-serif;fill:#222}
.group{margin:.2em 0 .6em}.gname{font-weight:600;font-size:12px}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.machine{color:#666}table{border-collapse:collapse}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}
section{border-top:2px solid #ccc;margin-top:2em}
</style></head><body>
<h1>Skiff benchmarks</h1>
<p>WASM cores against their TypeScript twins and each suite's anchors. A green ratio meets its target (the black line); red misses it.</p>
<table><tr><th>suite</th><th>targets met</th><th>run</th><th>kind</th></tr>${summary}</table>
${reports.map(suiteSection).join('\n')}
</body></html>
`;
}

/** Rebuilds report.html from every suite result in the directory; returns its path. */
export function writeReport(resultsDir: string): string {
  const path = join(resultsDir, 'report.html');
  writeFileSync(path, renderReport(loadReports(resultsDir)));
  return path;
}
