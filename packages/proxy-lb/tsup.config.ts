import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin/skiff-proxy.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  // Shared code lands in dist/ chunks, so src/wasm.ts's ../build/lb.wasm resolves from the bin as from the library.
  splitting: true,
});
