import { existsSync } from 'node:fs';
import { NodeAgentError } from '../../errors.js';
import { runCommand as run } from '../command-shell.js';

/**
 * Named network namespaces (`ip netns`): a bind mount at /run/netns/<name> keeps each pod's namespace alive with no
 * process in it, so there is no pause container, and the namespace survives runtime restarts.
 */
export const NETNS_DIR = '/run/netns';

export function netnsPath(name: string): string {
  return `${NETNS_DIR}/${name}`;
}

export async function createNetns(name: string): Promise<string> {
  try {
    await run('ip', ['netns', 'add', name]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new NodeAgentError('NetworkSetupFailed', `creating network namespace ${name} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
  return netnsPath(name);
}

/** Deletes the namespace; a namespace that is already gone is fine. */
export async function deleteNetns(name: string): Promise<void> {
  if (!existsSync(netnsPath(name))) return;
  try {
    await run('ip', ['netns', 'delete', name]);
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    if (!existsSync(netnsPath(name))) return;
    throw new NodeAgentError('NetworkSetupFailed', `deleting network namespace ${name} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}
