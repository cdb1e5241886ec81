import { PodRec, SECTION_COUNT } from '../core/codes.js';

/**
 * Builds one pod record (layout in codes.ts, PodRec): a fixed header, a section table of [offset, count] pairs
 * and the section bodies. f64 values go at even words so they stay 8-byte aligned in the arena.
 */
export class RecordWriter {
  private words: number[] = new Array<number>(PodRec.Header).fill(0);
  private static readonly scratch = new Float64Array(1);
  private static readonly halves = new Int32Array(RecordWriter.scratch.buffer);

  set(word: number, value: number): void {
    this.words[word] = value | 0;
  }

  setF64(word: number, value: number): void {
    const [lo, hi] = RecordWriter.splitF64(value);
    this.words[word] = lo;
    this.words[word + 1] = hi;
  }

  get length(): number {
    return this.words.length;
  }

  push(...values: number[]): void {
    for (const v of values) this.words.push(v | 0);
  }

  /** Appends an f64 at the next even word, padding with one zero word when needed. */
  pushF64(value: number): void {
    if (this.words.length & 1) this.words.push(0);
    const [lo, hi] = RecordWriter.splitF64(value);
    this.words.push(lo, hi);
  }

  padEven(): void {
    if (this.words.length & 1) this.words.push(0);
  }

  /** Starts section `s` here; `count` is filled in by the caller's `endSection`. */
  beginSection(s: number): void {
    if (s < 0 || s >= SECTION_COUNT) throw new RangeError(`no section ${s}`);
    this.words[PodRec.Sections + 2 * s] = this.words.length;
  }

  endSection(s: number, count: number): void {
    this.words[PodRec.Sections + 2 * s + 1] = count;
  }

  /** Where section `s` starts (0 when it was never begun). */
  sectionStart(s: number): number {
    return this.words[PodRec.Sections + 2 * s]!;
  }

  /** A copy of words [from, to). */
  slice(from: number, to: number): number[] {
    return this.words.slice(from, to);
  }

  word(i: number): number {
    return this.words[i]!;
  }

  finish(): Int32Array {
    this.padEven();
    this.words[PodRec.Len] = this.words.length;
    return Int32Array.from(this.words);
  }

  /** The two 32-bit halves of an f64, little-endian, as the arenas store it. */
  static splitF64(value: number): [number, number] {
    RecordWriter.scratch[0] = value;
    return [RecordWriter.halves[0]!, RecordWriter.halves[1]!];
  }

  static joinF64(lo: number, hi: number): number {
    RecordWriter.halves[0] = lo;
    RecordWriter.halves[1] = hi;
    return RecordWriter.scratch[0]!;
  }
}
