import { defineConfig } from 'vitest/config';

// The cluster tests start real processes, network namespaces, runc containers and kubectl on a 2-core machine
// shared with other work, so bounds are generous; nothing asserts on timing. Files run one at a time because
// they share the host's routing table and iptables.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['./test-util/global-setup.ts'],
  },
});
