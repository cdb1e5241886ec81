import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file starts an API server and a controller manager; two cores are shared, so files run one at a time.
    fileParallelism: false,
  },
});
