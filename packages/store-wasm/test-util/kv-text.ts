import { fromUtf8, utf8 } from '../src/key-range.js';
import type { KeyValue, WatchEvent } from '../src/kv.js';

/** A KeyValue with text key and value, for readable expectations. */
export interface KvText {
  key: string;
  value: string;
  create: number;
  mod: number;
  version: number;
  lease: number;
}

export function kvText(kv: KeyValue): KvText {
  return {
    key: fromUtf8(kv.key),
    value: fromUtf8(kv.value),
    create: kv.createRevision,
    mod: kv.modRevision,
    version: kv.version,
    lease: kv.lease,
  };
}

/** An event as "PUT a=1 @3 (prev a=0 @2)" / "DELETE a @4 (prev a=1 @3)". */
export function eventText(e: WatchEvent): string {
  const kv = e.type === 'PUT' ? `${fromUtf8(e.kv.key)}=${fromUtf8(e.kv.value)}` : fromUtf8(e.kv.key);
  const sub = e.prevKv ? ` (prev ${fromUtf8(e.prevKv.key)}=${fromUtf8(e.prevKv.value)} @${e.prevKv.modRevision})` : '';
  return `${e.type} ${kv} @${e.kv.modRevision}${sub}`;
}

/** Bytes of a text key, value or range end. */
export const b = utf8;
