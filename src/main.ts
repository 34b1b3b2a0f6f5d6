import { mount } from 'svelte';
// A CJK font shipped with the app, so Chinese renders the same everywhere (also in exports);
// unicode-range subsets mean only the glyphs on screen are fetched, from our own origin.
// One weight only: bold is synthesised (the 700 subsets rendered as empty boxes in headless Chromium).
import '@fontsource/noto-sans-sc/400.css';
import App from './ui/App.svelte';
import './ui/app.css';
import { zhCN } from './i18n/zh-CN.ts';
import { readRowGroupsWith } from './ingest/parquet.ts';
import { workerGroupReader } from './ingest/parquet-client.ts';

// A large Parquet file's row groups are read by workers, off the page's thread.
readRowGroupsWith(workerGroupReader);

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');

// Text drawn before its font subset arrives is not always repainted (seen in headless Chromium):
// fetch the subsets for the header's Chinese text first, waiting at most a moment.
const chrome = ['lang.switch', 'nav.overview', 'nav.analytics', 'nav.churn', 'nav.value', 'nav.report', 'nav.data', 'app.tagline', 'app.privacy', 'overview.title'] as const;
const sample = `中文${chrome.map((k) => zhCN[k]).join('')}`;
await Promise.race([document.fonts?.load('16px "Noto Sans SC"', sample).catch(() => undefined), new Promise((r) => setTimeout(r, 1500))]);

mount(App, { target });
