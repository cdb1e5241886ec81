import { PodRec, PORT_ENTRY_WORDS, Reason, Section, WILDCARD_IP } from '../codes';
import { CycleState } from '../cycle-state';
import { gFirstPod, gPodNext, gPodOff, gPortPods, ld, pa } from '../layout';

export function nodePortsFilter(c: CycleState, n: i32): i32 {
  if (c.portCount == 0 || ld(gPortPods, n) == 0) return Reason.Pass;
  for (let p = ld(gFirstPod, n); p >= 0; p = ld(gPodNext, p)) {
    const rec = ld(gPodOff, p);
    const used = pa(rec + PodRec.Sections + 2 * Section.Ports + 1);
    if (used == 0) continue;
    const uoff = rec + pa(rec + PodRec.Sections + 2 * Section.Ports);
    for (let i = 0; i < c.portCount; i++) {
      const w = c.portOff + i * PORT_ENTRY_WORDS;
      const ip = pa(w);
      const proto = pa(w + 1);
      const port = pa(w + 2);
      for (let j = 0; j < used; j++) {
        const u = uoff + j * PORT_ENTRY_WORDS;
        if (pa(u + 2) != port || pa(u + 1) != proto) continue;
        const uip = pa(u);
        if (ip == WILDCARD_IP || uip == WILDCARD_IP || ip == uip) return Reason.NodePorts;
      }
    }
  }
  return Reason.Pass;
}
