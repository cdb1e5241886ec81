import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin/skiff-scheduler.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  // Shared code lands in chunks at dist/, where src/wasm.ts's '../build/scheduler.wasm' still resolves.
  splitting: true,
});
