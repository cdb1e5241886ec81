import { guardHostNftTables } from '@skiff/test-util';

// Pod networking (CNI portmap) can leave an empty nftables table on the host; the run removes what it added.
export default async function setup(): Promise<() => Promise<void>> {
  const restore = await guardHostNftTables();
  return async () => {
    const removed = await restore();
    if (removed.length) console.log(`removed the empty nftables tables this run left: ${removed.join(', ')}`);
  };
}
