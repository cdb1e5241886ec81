// Which loopback backends connections through the service proxy reach: the backends a test file starts (closed
// together after the file's tests), and bounded polls until new connections reach exactly the wanted ones.
import { exchange, tcpBackend, type TcpBackend } from './net-fixtures.js';
import { until } from './service-fixtures.js';

export interface TrackedBackends {
  /** Starts a TCP backend that greets with `name`; closeAll() closes it. */
  backend(name: string): Promise<TcpBackend>;
  /** Has closeAll() close `b` too (a UDP backend, say), and returns it. */
  track<B extends { close(): Promise<void> }>(b: B): B;
  /** Closes every backend started or tracked so far, one after another. */
  closeAll(): Promise<void>;
}

export function trackedBackends(): TrackedBackends {
  const open: { close(): Promise<void> }[] = [];
  const track = <B extends { close(): Promise<void> }>(b: B): B => {
    open.push(b);
    return b;
  };
  return {
    backend: async (name) => track(await tcpBackend(name)),
    track,
    async closeAll() {
      for (const b of open.splice(0)) await b.close();
    },
  };
}

/** The backend names `n` new connections reach, in order (a reset connection counts as ''). */
export async function reach(host: string, port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await exchange(port, 'x', host)).data.split('\n')[0]!);
  return out;
}

/**
 * Polls until `n` connections in a row reach exactly the backends in `names` (all of them, nothing else), and
 * resolves with the names those connections reached. Twelve by default: round robin spreads them evenly over two,
 * three or four backends.
 */
export function reachesExactly(host: string, port: number, names: string[], n = 12): Promise<string[]> {
  const want = [...names].sort().join(',');
  return until(
    async () => {
      const got = await reach(host, port, n);
      return [...new Set(got)].sort().join(',') === want ? got : undefined;
    },
    10_000,
    `${host}:${port} to reach exactly ${want}`,
  );
}
