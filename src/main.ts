import { mount } from 'svelte';
// A CJK font shipped with the app, so Chinese renders the same everywhere (also in exports);
// unicode-range subsets mean only the glyphs on screen are fetched, from our own origin.
// One weight only: bold is synthesised (the 700 subsets rendered as empty boxes in headless Chromium).
import '@fontsource/noto-sans-sc/400.css';
import App from './ui/App.svelte';
import './ui/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app element missing from index.html');
mount(App, { target });

