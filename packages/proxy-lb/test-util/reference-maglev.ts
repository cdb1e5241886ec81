// The Maglev table built the textbook way (walk every permutation to its next free slot), for checking the
// engines' faster build. Backends in the order given, each taking `turns` entries per round.

export function referenceMaglev(m: number, backends: { slot: number; id1: number; id2: number; turns: number }[]): Int32Array {
  const table = new Int32Array(m).fill(-1);
  const next = backends.map((b) => b.id1 % m);
  const skip = backends.map((b) => (b.id2 % (m - 1)) + 1);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < backends.length; i++) {
      for (let t = 0; t < backends[i].turns; t++) {
        let c = next[i];
        while (table[c] >= 0) c = (c + skip[i]) % m;
        table[c] = backends[i].slot;
        next[i] = (c + skip[i]) % m;
        if (++filled === m) return table;
      }
    }
  }
}
