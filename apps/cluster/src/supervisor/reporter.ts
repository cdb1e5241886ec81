/**
 * What `skiff up` tells the person at the terminal: progress lines on stdout, problems on stderr, and component
 * output filtered by level. Tests pass their own Reporter to read the same lines.
 */
import { levelRank, type LogLine } from './log-lines.js';

export interface Reporter {
  /** A step a person follows: "starting the API server", "node skiff-node-1 is Ready". */
  progress(message: string): void;
  /** Lines that must stand out (the `export KUBECONFIG` line, `Cluster ready`), printed without a prefix. */
  headline(message: string): void;
  warn(message: string): void;
  /** One line of a component's output. */
  component(name: string, line: LogLine): void;
}

export function consoleReporter(options: { verbose: boolean }): Reporter {
  const shown = levelRank(options.verbose ? 'info' : 'warn');
  return {
    progress: (m) => process.stdout.write(`skiff: ${m}\n`),
    headline: (m) => process.stdout.write(`${m}\n`),
    warn: (m) => process.stderr.write(`skiff: ${m}\n`),
    component: (name, line) => {
      // Plain text is shown always: it is how components report failing to start.
      if (line.structured && levelRank(line.level) < shown) return;
      const out = levelRank(line.level) >= levelRank('warn') || !line.structured ? process.stderr : process.stdout;
      out.write(`  [${name}] ${line.text}\n`);
    },
  };
}

/** Collects everything, for tests and for callers that render their own output. */
export function memoryReporter(): Reporter & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    progress: (m) => lines.push(`skiff: ${m}`),
    headline: (m) => lines.push(m),
    warn: (m) => lines.push(`skiff: ${m}`),
    component: (name, line) => lines.push(`  [${name}] ${line.text}`),
  };
}
