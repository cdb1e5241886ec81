/**
 * `pnpm bench [suite...] [--quick] [--json FILE]`: runs the named suites (all when none is named), prints a table
 * per suite, and writes bench/results/<suite>.json (and FILE with --json: the report, or an array of reports), then
 * rebuilds report.html and summary.md from every suite's latest result.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReport } from './report.js';
import { writeSummary } from './summary.js';
import { formatReport, machineInfo, type Suite, type SuiteReport } from './result.js';
import { suites } from './suites/index.js';

const usage = `usage: pnpm bench [suite...] [--quick] [--json FILE]
suites: ${Object.keys(suites).join(', ')}`;

function parseArgs(argv: string[]): { names: string[]; quick: boolean; json?: string } {
  const names: string[] = [];
  let quick = false;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    if (a === '--quick') quick = true;
    else if (a === '--json') {
      json = argv[++i];
      if (!json) throw new Error('--json needs a file name');
    } else if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    } else if (a.startsWith('-')) throw new Error(`unknown flag ${a}`);
    else if (!(a in suites)) throw new Error(`unknown suite "${a}"`);
    else names.push(a);
  }
  return { names: names.length ? names : Object.keys(suites), quick, json };
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const reports: SuiteReport[] = [];
  for (const name of args.names) {
    const suite: Suite = suites[name]!;
    const started = Date.now();
    console.log(`bench: ${name}: ${suite.description}${args.quick ? ' (quick)' : ''}`);
    const body = await suite.run({ quick: args.quick, log: (m) => console.log(`  [${name}] ${m}`) });
    const report: SuiteReport = { suite: name, machine: machineInfo(), quick: args.quick, ...body };
    reports.push(report);
    console.log(formatReport(report));
    console.log(`bench: ${name} done in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
    writeFileSync(join(resultsDir, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
  }
  if (args.json) writeFileSync(args.json, JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n');
  console.log(`bench: report written to ${writeReport(resultsDir)} and ${writeSummary(resultsDir)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
