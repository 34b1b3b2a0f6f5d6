/** Issue 13: the route a measure took (pre-aggregated cube or base table), shown in its SQL panel; en.ts and zh-CN.ts spread these in. */
export const cubeEn = {
  'cube.route.cube': 'Route: cube {tables} (pre-aggregated at load, same numbers as the base table)',
  'cube.route.base': 'Route: base table',
};

export const cubeZh: Record<keyof typeof cubeEn, string> = {
  'cube.route.cube': '查询路径：预聚合表 {tables}（加载时预先汇总，数字与基础表相同）',
  'cube.route.base': '查询路径：基础表',
};
