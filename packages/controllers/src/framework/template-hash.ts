/**
 * The hash that names a template's generation of pods: ReplicaSet names (`web-5d8f7c9b4`), the pod-template-hash
 * label, and DaemonSet/StatefulSet revision labels. FNV-1a (32 bit) over the template's canonical JSON (keys
 * sorted), mixed with the collision count when there is one, written in Kubernetes' "safe" alphabet (no vowels,
 * no look-alike digits, so a hash never spells a word).
 */
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Each decimal digit of the hash as one letter of the alphabet, as Kubernetes' SafeEncodeString does. */
function safeEncode(n: number): string {
  let out = '';
  for (const d of String(n)) out += SAFE[d.charCodeAt(0) % SAFE.length]!;
  return out;
}

export function templateHash(template: unknown, collisionCount?: number): string {
  let h = fnv1a(canonical(template));
  if (collisionCount) h = fnv1a(String(collisionCount), h);
  return safeEncode(h);
}

/** Deep equality of two templates ignoring the pod-template-hash label (how a Deployment finds its new RS). */
export function templatesEqualIgnoringHash(a: any, b: any): boolean {
  const strip = (t: any) => {
    const labels = { ...(t?.metadata?.labels ?? {}) };
    delete labels['pod-template-hash'];
    return canonical({ ...t, metadata: { ...(t?.metadata ?? {}), labels } });
  };
  return strip(a) === strip(b);
}
