import { defineConfig } from 'vitest/config';

// The runtime tests drive real runc, CNI plugins and containerd on a 2-core machine shared with other work, so
// timeouts are generous; nothing asserts on timing. Files run one at a time: they share the host's network stack.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 90_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['./test-util/global-setup.ts'],
  },
});
