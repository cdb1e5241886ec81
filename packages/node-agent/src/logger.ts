import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * The package's structured logger. Components take a Logger in their options and derive children with a
 * `component` binding; this is only the default when the caller passes none.
 */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? 'skiff-node-agent', level: options.level ?? process.env.SKIFF_LOG_LEVEL ?? 'info' });
}

/** A logger that drops everything, for library callers (and tests) that want silence. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
