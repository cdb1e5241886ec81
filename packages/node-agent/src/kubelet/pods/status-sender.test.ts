import { describe, expect, it } from 'vitest';
import { StatusSender } from './status-sender.js';

function deferred() {
  let resolve!: (v: boolean) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<boolean>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('StatusSender', () => {
  it('writes the newest status after the one in flight, skipping those in between', async () => {
    const calls: { status: any; d: ReturnType<typeof deferred> }[] = [];
    const sender = new StatusSender((status) => {
      const d = deferred();
      calls.push({ status, d });
      return d.promise;
    }, () => undefined);
    sender.offer({ v: 1 });
    sender.offer({ v: 2 });
    sender.offer({ v: 3 });
    expect(calls.map((c) => c.status.v)).toEqual([1]);
    calls[0]!.d.resolve(true);
    await new Promise((r) => setImmediate(r));
    expect(calls.map((c) => c.status.v)).toEqual([1, 3]);
    const flushed = sender.flush();
    calls[1]!.d.resolve(true);
    expect(await flushed).toBe(true);
  });

  it('does not write a status equal to the last one written', async () => {
    const written: any[] = [];
    const sender = new StatusSender(async (s) => (written.push(s), true), () => undefined);
    sender.offer({ v: 1 });
    await sender.flush();
    sender.offer({ v: 1 });
    await sender.flush();
    expect(written).toEqual([{ v: 1 }]);
  });

  it('retries a failed write and reports the error', async () => {
    const errors: string[] = [];
    let attempts = 0;
    const sender = new StatusSender(
      async () => {
        if (++attempts < 3) throw new Error(`down ${attempts}`);
        return true;
      },
      (e) => errors.push(e.message),
      10,
    );
    sender.offer({ v: 1 });
    expect(await sender.flush()).toBe(true);
    expect(errors).toEqual(['down 1', 'down 2']);
    expect(attempts).toBe(3);
  });

  it('tells flush() when the pod is gone', async () => {
    const sender = new StatusSender(async () => false, () => undefined);
    sender.offer({ v: 1 });
    expect(await sender.flush()).toBe(false);
  });
});

describe('StatusSender, offers racing the end of a write', () => {
  it('writes a status offered just as the previous write completes', async () => {
    const written: number[] = [];
    let sender!: StatusSender;
    sender = new StatusSender(async (s) => {
      written.push(s.v);
      // the next offer arrives after this write is done but before the sender has noticed
      if (s.v === 1) queueMicrotask(() => queueMicrotask(() => sender.offer({ v: 2 })));
      return true;
    }, () => undefined);
    sender.offer({ v: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toEqual([1, 2]);
  });
});
