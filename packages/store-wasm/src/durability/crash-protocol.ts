/** What the crash test's child (crash-writer.ts) prints, one JSON object per line, and the parent parses. */

export type CrashOp =
  | { kind: 'put'; key: string; value: string; lease: number }
  | { kind: 'del'; key: string }
  | { kind: 'txn'; ifKey: string; then: { key: string; value: string }[]; else: { key: string; value: string }[] }
  | { kind: 'grant'; lease: number }
  | { kind: 'revoke'; lease: number };

export interface CrashLine {
  t: 'loaded' | 'ready' | 'try' | 'ack';
  id?: string;
  op?: CrashOp;
  rev?: number;
  deleted?: number;
  succeeded?: boolean;
}

export const WRITERS = 16;
