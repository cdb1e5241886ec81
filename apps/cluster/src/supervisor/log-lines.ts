/**
 * Component output, made readable. Components log pino JSON; the full line goes to the component's log file and a
 * person sees `  [apiserver] warn: message  key=value` on the terminal for warnings and errors (everything with
 * --verbose). Plain lines (a component's own messages, a crash's stack) are shown as they are.
 */

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface LogLine {
  level: Level;
  text: string;
  /** False for plain (non-JSON) text. */
  structured: boolean;
}

const LEVELS: [number, Level][] = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [10, 'trace'],
];

const HIDDEN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'err', 'v']);

export function levelRank(level: Level): number {
  return LEVELS.find(([, l]) => l === level)![0];
}

/** Parses one output line; undefined for blank lines. */
export function parseLogLine(line: string): LogLine | undefined {
  if (line.trim() === '') return undefined;
  if (!line.startsWith('{')) return { level: 'info', text: line, structured: false };
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { level: 'info', text: line, structured: false };
  }
  const n = typeof entry.level === 'number' ? entry.level : 30;
  const level = LEVELS.find(([min]) => n >= min)?.[1] ?? 'trace';
  const err = entry.err as { message?: string } | undefined;
  const extra = Object.entries(entry)
    .filter(([k]) => !HIDDEN_FIELDS.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  const text = `${level}: ${msg}${err?.message ? ` (${err.message})` : ''}${extra ? `  ${extra}` : ''}`;
  return { level, text, structured: true };
}

/** Splits a byte stream into lines, holding a partial last line until it completes. */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop() ?? '';
    return lines;
  }

  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest ? [rest] : [];
  }
}
