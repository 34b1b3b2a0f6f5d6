/** Issue 13: the route a measure took (pre-aggregated cube, in-memory index or base table), shown in its SQL panel; en.ts and zh-CN.ts spread these in. */
export const cubeEn = {
  'cube.route.cube': 'Route: cube {tables} (pre-aggregated at load, same numbers as the base table)',
  'cube.route.memory': 'Route: in-memory index of the order lines (read once after load and kept in two background workers, which answer without a query; the SQL below is what it answers, same numbers)',
  'cube.route.base': 'Route: base table',
};

export const cubeZh: Record<keyof typeof cubeEn, string> = {
  'cube.route.cube': '查询路径：预聚合表 {tables}（加载时预先汇总，数字与基础表相同）',
  'cube.route.memory': '查询路径：订单行内存索引（加载后读取一次并保存在两个后台线程中，直接计算、不再查询；下方 SQL 即其计算口径，数字相同）',
  'cube.route.base': '查询路径：基础表',
};
