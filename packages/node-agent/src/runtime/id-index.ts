import { NodeAgentError } from '../errors.js';

/**
 * Finds records by full ID or by a unique ID prefix (crictl and humans use short IDs, as containerd allows).
 */
export function findById<T>(records: Map<string, T>, id: string, kind: 'container' | 'sandbox'): T | undefined {
  const exact = records.get(id);
  if (exact || id.length === 0 || id.length >= 64) return exact;
  const matches = [...records.keys()].filter((key) => key.startsWith(id));
  if (matches.length > 1) throw new NodeAgentError('InvalidArgument', `${kind} ID prefix "${id}" is ambiguous: it matches ${matches.length} ${kind}s`);
  return matches.length === 1 ? records.get(matches[0]) : undefined;
}
