/** Issue 13: the warning before a file estimated too large for the tab (src/ingest/memory-fit.ts); en.ts and zh-CN.ts spread these in. */
export const memoryEn = {
  'memory.warn':
    '“{file}” ({size}) may not fit in this browser tab: loading it needs about {estimate} of memory, and the tab can give about {budget}. It may fail part-way or crash the tab.\n\nTo load it safely: save it as Parquet, export fewer columns or a shorter date range, or run the command-line runner on it (npx crm-lens report --data "{file}" --out report.html).\n\nOK loads it anyway; Cancel skips this file.',
  'memory.skipped': '“{file}” was not loaded: it is estimated too large for this tab. Save it as Parquet, export fewer columns, or use the command-line runner (npx crm-lens report).',
};

export const memoryZh: Record<keyof typeof memoryEn, string> = {
  'memory.warn':
    '“{file}”（{size}）可能超出此浏览器标签页的内存：加载它约需 {estimate} 内存，而标签页约可提供 {budget}。加载可能中途失败，或导致标签页崩溃。\n\n稳妥的做法：另存为 Parquet，少导出一些列或缩短日期范围，或用命令行工具处理（npx crm-lens report --data "{file}" --out report.html）。\n\n点“确定”仍然加载，点“取消”跳过此文件。',
  'memory.skipped': '未加载“{file}”：估计它超出此标签页的内存。请另存为 Parquet、少导出一些列，或使用命令行工具（npx crm-lens report）。',
};
