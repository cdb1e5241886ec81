/**
 * Runs `count` calls in batches of 1, 2, 4, 8 ... (each batch concurrently), stopping after the first batch with
 * a failure. A template the server rejects (quota, validation) then costs one failed request instead of hundreds,
 * while healthy creations ramp up to full parallelism within a few round trips.
 *
 * Returns how many calls succeeded and the first error, if any; calls never started are not counted as either.
 */
export async function slowStartBatch(count: number, initialBatch: number, fn: (i: number) => Promise<void>): Promise<{ succeeded: number; error?: unknown }> {
  let succeeded = 0;
  let started = 0;
  for (let batch = Math.min(count, initialBatch); batch > 0; batch = Math.min(2 * batch, count - started)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, (_, j) => fn(started + j)));
    started += batch;
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') succeeded++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { succeeded, error };
  }
  return { succeeded };
}
