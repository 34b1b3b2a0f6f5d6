import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Relative base: dist/ works from any static host and any sub-path.
  base: './',
  plugins: [svelte()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
  },
  // Pre-bundle the worker's heavy deps up front, so the dev server does not reload the page
  // the first time the churn worker starts.
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'], include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'] },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
