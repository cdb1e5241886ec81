/**
 * Whether `promise` settles (either way) within `ms`. For bounded waits on things the runtime does not control
 * (a container exiting after SIGKILL, output draining), so callers can fail with a clear error instead of hanging.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
