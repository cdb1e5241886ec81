/**
 * TCP port probing for the ports `skiff up` would like to use (6443, 2379). Probing and then binding is not atomic;
 * a component that loses the race fails to start and says so, which is good enough for a developer's cluster.
 */
import { createServer } from 'node:net';

/** Resolves with the port actually bound: `port` itself, or a free one when `port` is 0. Rejects if it is taken. */
function bindOnce(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

export async function isPortFree(host: string, port: number): Promise<boolean> {
  try {
    await bindOnce(host, port);
    return true;
  } catch {
    return false;
  }
}

/** `wanted` if it is free on `host`, else (or when `wanted` is 0) some free port. */
export async function choosePort(host: string, wanted: number): Promise<{ port: number; fellBack: boolean }> {
  if (wanted !== 0 && (await isPortFree(host, wanted))) return { port: wanted, fellBack: false };
  return { port: await bindOnce(host, 0), fellBack: wanted !== 0 };
}
