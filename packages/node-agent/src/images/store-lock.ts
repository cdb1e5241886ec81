import { open, readFile, rm } from 'node:fs/promises';
import { NodeAgentError } from '../errors.js';
import { processAlive } from '../process-alive.js';

/**
 * An exclusive lock between processes writing one image store (the runtime, and `skiff image import` run beside
 * it): a lock file created with O_EXCL holding the owner's PID. A lock whose owner no longer exists is stale and
 * taken over. Waiting is bounded; a store locked for longer fails with a message naming the holder.
 */
export async function withStoreLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (holder > 0 && !processAlive(holder)) {
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new NodeAgentError('Internal', `image store lock ${path} is held by process ${holder || 'unknown'} for more than ${timeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
