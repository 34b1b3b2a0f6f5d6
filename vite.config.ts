import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { existsSync, readFileSync } from 'node:fs';
import { configuredOrigins, contentSecurityPolicy, CROSS_ORIGIN_ISOLATION, withPolicy } from './src/lib/csp.ts';

// The deployer's remote origins (README "Remote Parquet"): the CSP's connect-src is 'self' plus exactly these.
const CONFIG_FILE = new URL('./crm-lens.config.json', import.meta.url);
const remoteOrigins = configuredOrigins(existsSync(CONFIG_FILE) ? readFileSync(CONFIG_FILE, 'utf8') : null, process.env.CRM_LENS_REMOTE_ORIGINS);

export default defineConfig({
  // Relative base: dist/ works from any static host and any sub-path.
  base: './',
  plugins: [svelte(), { name: 'crm-lens-csp', transformIndexHtml: (html: string) => withPolicy(html, contentSecurityPolicy(remoteOrigins)) }],
  define: { __CRM_LENS_REMOTE_ORIGINS__: JSON.stringify(remoteOrigins) },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    assetsInlineLimit: 0,
  },
  // Pre-bundle the worker's heavy deps up front, so the dev server does not reload the page
  // the first time the churn worker starts.
  optimizeDeps: { exclude: ['@duckdb/duckdb-wasm'], include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers'] },
  // Cross-origin isolated, so DuckDB runs on threads (README "Threads"); any static host without these headers gets one thread.
  server: { port: 5173, strictPort: false, headers: CROSS_ORIGIN_ISOLATION },
  preview: { port: 4173, headers: CROSS_ORIGIN_ISOLATION },
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
