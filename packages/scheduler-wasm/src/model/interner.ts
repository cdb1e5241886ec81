/**
 * Strings to dense integer ids, so the kernels compare integers and never see a string. Ids are never reused:
 * a record written once (an existing pod's selector) stays valid for the interner's lifetime.
 */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  /** Called with each new id before `intern` returns it (to grow tables indexed by id). */
  constructor(private readonly onNew?: (id: number, name: string) => void) {}

  intern(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.ids.set(name, id);
      this.onNew?.(id, name);
    }
    return id;
  }

  /** The id of `name`, or undefined when it was never interned. */
  get(name: string): number | undefined {
    return this.ids.get(name);
  }

  name(id: number): string {
    const n = this.names[id];
    if (n === undefined) throw new RangeError(`interner: no string with id ${id}`);
    return n;
  }

  get size(): number {
    return this.names.length;
  }
}
