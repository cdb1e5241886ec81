/**
 * Bind addresses as kube components write them: "127.0.0.1:10259", "[::1]:10259", ":10259" (every interface),
 * with port 0 meaning any free port. An empty string or "0" turns the server off.
 */
import { isIP } from 'node:net';
import { SchedulerError } from '../errors.js';

export interface BindAddress {
  host: string;
  port: number;
}

export function parseBindAddress(text: string, field: string, code: 'InvalidConfig' | 'InvalidFlag'): BindAddress | undefined {
  const v = text.trim();
  if (v === '' || v === '0') return undefined;
  const bad = (why: string) => new SchedulerError(code, `${field}: "${text}" ${why} (expected host:port, e.g. 127.0.0.1:10259)`, { field });
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(v);
  if (!m) throw bad('is not an address');
  const host = m[1] ?? m[2] ?? '';
  const port = Number(m[3]);
  if (port > 65_535) throw bad('has a port above 65535');
  if (host === '') return { host: '0.0.0.0', port };
  if (isIP(host) === 0 && !/^[a-zA-Z0-9.-]+$/.test(host)) throw bad('has a malformed host');
  return { host, port };
}
