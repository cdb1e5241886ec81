/**
 * The logging this package does goes through this small interface, which a pino logger satisfies, so a
 * component passes its own structured logger and the client adds no logging dependency of its own.
 */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}

export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const nothing: LogFn = () => {};

export const silentLogger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing };
