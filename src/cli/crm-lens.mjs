#!/usr/bin/env node
// The `crm-lens` command: loads the TypeScript runner through tsx (installed with the project).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
