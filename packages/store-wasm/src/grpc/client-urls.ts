import { isIP } from 'node:net';

/** A bad flag, URL or option given to the server, its bin or the client. `code` is stable; the message says what to fix. */
export class ConfigError extends Error {
  constructor(
    readonly code: 'BadUrl' | 'BadFlag' | 'BadValue' | 'MissingValue' | 'ListenFailed',
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A client URL: plain-text gRPC over TCP (TLS is not served yet). */
export interface ClientUrl {
  host: string;
  port: number;
}

/**
 * Parses one client URL as etcd's flags take it ("http://127.0.0.1:2379"). For endpoints of the client a bare
 * "host:port" is accepted too (etcdctl accepts both).
 */
export function parseClientUrl(raw: string, what: string, allowBare = false): ClientUrl {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : allowBare ? `http://${text}` : text;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError('BadUrl', `${what}: "${raw}" is not a URL; expected e.g. http://127.0.0.1:2379`);
  }
  if (url.protocol === 'https:' || url.protocol === 'unixs:') {
    throw new ConfigError('BadUrl', `${what}: "${raw}": TLS is not supported yet; use http://`);
  }
  if (url.protocol !== 'http:') throw new ConfigError('BadUrl', `${what}: "${raw}": the scheme must be http://`);
  if (url.pathname !== '/' && url.pathname !== '') throw new ConfigError('BadUrl', `${what}: "${raw}" must not have a path`);
  if (url.port === '') throw new ConfigError('BadUrl', `${what}: "${raw}" needs a port, e.g. http://127.0.0.1:2379`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(url.port) };
}

/** Parses etcd's comma-separated URL list form. */
export function parseClientUrls(raw: string, what: string, allowBare = false): ClientUrl[] {
  const parts = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new ConfigError('MissingValue', `${what}: no URL given`);
  return parts.map((p) => parseClientUrl(p, what, allowBare));
}

/** "host:port" as grpc-js binds and dials it (IPv6 literals in brackets). */
export function hostPort(u: ClientUrl): string {
  return isIP(u.host) === 6 ? `[${u.host}]:${u.port}` : `${u.host}:${u.port}`;
}

export function formatUrl(u: ClientUrl): string {
  return `http://${hostPort(u)}`;
}
