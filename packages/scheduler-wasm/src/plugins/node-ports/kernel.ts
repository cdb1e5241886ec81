import { PodRec, PORT_ENTRY_WORDS, Reason, Section, WILDCARD_IP } from '../../core/codes.js';
import type { Cycle } from '../../ts/cycle.js';

/**
 * Filter: a wanted host port conflicts with one in use on the node when protocol and port are equal and either
 * side binds 0.0.0.0 or both bind the same IP (HostPortInfo.CheckConflict).
 */
export function nodePortsFilter(c: Cycle, n: number): number {
  if (c.portCount === 0 || c.v.portPods[n] === 0) return Reason.Pass;
  const a = c.a;
  const v = c.v;
  for (let p = v.firstPod[n]!; p >= 0; p = v.podNext[p]!) {
    const rec = v.podOff[p]!;
    const used = a[rec + PodRec.Sections + 2 * Section.Ports + 1]!;
    if (used === 0) continue;
    const uoff = rec + a[rec + PodRec.Sections + 2 * Section.Ports]!;
    for (let i = 0; i < c.portCount; i++) {
      const w = c.portOff + i * PORT_ENTRY_WORDS;
      const ip = a[w]!;
      const proto = a[w + 1]!;
      const port = a[w + 2]!;
      for (let j = 0; j < used; j++) {
        const u = uoff + j * PORT_ENTRY_WORDS;
        if (a[u + 2] !== port || a[u + 1] !== proto) continue;
        const uip = a[u]!;
        if (ip === WILDCARD_IP || uip === WILDCARD_IP || ip === uip) return Reason.NodePorts;
      }
    }
  }
  return Reason.Pass;
}
