// Sends a query for a name outside the cluster's zone to the node's own resolvers, as CoreDNS's forward plugin
// does: the query's bytes as they came, over UDP, to each upstream in turn until one answers in time.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';

export interface Upstream {
  address: string;
  port: number;
}

/** "10.0.0.2", "10.0.0.2:5353", "[fd00::2]:53" or "fd00::2" as an upstream. */
export function parseUpstream(text: string): Upstream {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [address, port] = bracketed
    ? [bracketed[1]!, bracketed[2]]
    : net.isIPv6(text)
      ? [text, undefined]
      : (text.split(':') as [string, string | undefined]);
  if (net.isIP(address) === 0) throw new Error(`DNS upstream "${text}" is not an IP address (optionally with :port)`);
  const p = port === undefined ? 53 : Number(port);
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`DNS upstream "${text}" has a bad port`);
  return { address, port: p };
}

/** The nameservers of a resolv.conf, except the ones in `exclude` (the cluster DNS address itself). */
export function resolvConfUpstreams(path = '/etc/resolv.conf', exclude: string[] = []): Upstream[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((a): a is string => a !== undefined && net.isIP(a) !== 0 && !exclude.includes(a))
    .map((address) => ({ address, port: 53 }));
}

/** One query to one upstream; resolves with its response, or undefined if none came within `timeoutMs`. */
function ask(up: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket(net.isIPv6(up.address) ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (res: Buffer | undefined) => {
      clearTimeout(timer);
      sock.close();
      resolve(res);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('error', () => done(undefined));
    sock.on('message', (msg, from) => {
      // Only the upstream's answer to this query: same address, same id.
      if (msg.length >= 12 && msg.readUInt16BE(0) === id && from.address === up.address) done(msg);
    });
    sock.send(query, up.port, up.address);
  });
}

/** Forwards `query` to each upstream in turn; undefined when none answered. */
export async function forwardQuery(upstreams: Upstream[], query: Buffer, timeoutMs: number): Promise<Buffer | undefined> {
  for (const up of upstreams) {
    const res = await ask(up, query, timeoutMs);
    if (res) return res;
  }
  return undefined;
}
