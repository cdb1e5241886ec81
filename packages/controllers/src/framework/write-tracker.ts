/**
 * Remembers what a controller last wrote for a key (objects by name: the resourceVersion it wrote, or that it
 * deleted them), so the next sync can tell whether its informer has caught up. Acting on a cache that does not
 * yet show our own writes would create duplicates (a second slice for the same pods) or undo them.
 */
export class WriteTracker {
  private readonly byKey = new Map<string, Map<string, string | null>>();

  wrote(key: string, name: string, resourceVersion: string | undefined): void {
    this.entry(key).set(name, resourceVersion ?? '0');
  }

  deleted(key: string, name: string): void {
    this.entry(key).set(name, null);
  }

  /**
   * True when `cached` (name -> resourceVersion) shows every write recorded for `key`; the record is then
   * dropped. Versions compare as numbers: the cache may already hold a newer one.
   */
  caughtUp(key: string, cached: Map<string, string | undefined>): boolean {
    const writes = this.byKey.get(key);
    if (!writes) return true;
    for (const [name, rv] of writes) {
      const have = cached.get(name);
      if (rv === null ? have !== undefined : have === undefined || Number(have) < Number(rv)) return false;
    }
    this.byKey.delete(key);
    return true;
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }

  private entry(key: string): Map<string, string | null> {
    let m = this.byKey.get(key);
    if (!m) this.byKey.set(key, (m = new Map()));
    return m;
  }
}
