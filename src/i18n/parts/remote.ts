/** Issue 13: Parquet by URL on the Data page, English and Simplified Chinese side by side; en.ts and zh-CN.ts spread these in. */
export const remoteEn = {
  'remote.label': 'Open Parquet by URL',
  'remote.placeholder': 'https://…/orders.parquet or …/manifest.json',
  'remote.open': 'Open',
  'remote.wait': 'Open is available once “{task}” has finished.',
  'remote.cancel': 'Stop',
  'remote.hint': 'A Parquet file, or a .json manifest listing Parquet files, on this site or on a host this build allows ({allowed}). The server must answer HTTP range requests.',
  'remote.progress': 'Reading {url}: {read} of {total}',
  'remote.fetched': 'Read {bytes} in range requests from {files} file(s); loading…',
  'remote.error.bad_url': '“{url}” is not a web address. Enter the http(s) address of a Parquet file or of a .json manifest.',
  'remote.error.origin_not_allowed':
    '{origin} is not allowed: this build reads data only from {allowed}. The deployer can allow an origin in crm-lens.config.json ("remoteOrigins") and rebuild.',
  'remote.error.unreachable':
    'Could not read {url}: the server did not answer, did not send CORS headers (Access-Control-Allow-Origin), or this page’s security policy blocked it. Check the address and the server’s CORS settings.',
  'remote.error.http_status': 'The server answered {status} for {url}. Check the address.',
  'remote.error.no_ranges':
    'The server of {url} ignores HTTP range requests (it must answer “Range” with 206 Partial Content and a Content-Range header visible to CORS). Turn ranges on (Accept-Ranges: bytes), or download the file and drop it here.',
  'remote.error.not_parquet': '{url} is not a Parquet file: it does not start and end with the PAR1 marker. Open a .parquet file, or a .json manifest that lists them.',
  'remote.error.bad_manifest': '{url} is not a manifest CRM Lens reads: it must be JSON, either a list of Parquet URLs or an object whose "files" lists them.',
  'remote.error.changed': '{url} changed while it was being read (its size or a part of it did not match). Open it again.',
  'remote.stopped': 'Stopped reading {url}.',
  'remote.choice': 'Read {n} of {total} columns (≈ {bytes} of {size}): the columns a CRM analysis uses, found from their names.',
  'remote.readRoles': 'Read {n} columns',
  'remote.readAll': 'Read all columns ({size})',
  'remote.done': 'Read {read} of {total} ({share}) in range requests.',
} as const;

export const remoteZh: Record<keyof typeof remoteEn, string> = {
  'remote.label': '按网址打开 Parquet',
  'remote.placeholder': 'https://…/orders.parquet 或 …/manifest.json',
  'remote.open': '打开',
  'remote.wait': '“{task}”完成后即可点击“打开”。',
  'remote.cancel': '停止',
  'remote.hint': 'Parquet 文件，或列出多个 Parquet 文件的 .json 清单；须位于本站点或本版本允许的主机（{allowed}）。服务器必须支持 HTTP 范围请求。',
  'remote.progress': '正在读取 {url}：{read} / {total}',
  'remote.fetched': '已通过范围请求从 {files} 个文件读取 {bytes}；正在载入…',
  'remote.error.bad_url': '“{url}”不是网址。请输入 Parquet 文件或 .json 清单的 http(s) 地址。',
  'remote.error.origin_not_allowed': '不允许访问 {origin}：本版本只从 {allowed} 读取数据。部署者可在 crm-lens.config.json（"remoteOrigins"）中添加该来源并重新构建。',
  'remote.error.unreachable': '无法读取 {url}：服务器没有响应、没有发送 CORS 头（Access-Control-Allow-Origin），或被本页的安全策略拦截。请检查地址和服务器的 CORS 设置。',
  'remote.error.http_status': '服务器对 {url} 返回了 {status}。请检查地址。',
  'remote.error.no_ranges':
    '{url} 的服务器不支持 HTTP 范围请求（须对 “Range” 返回 206 Partial Content，并让 CORS 可见 Content-Range 头）。请开启范围请求（Accept-Ranges: bytes），或下载该文件后拖放到这里。',
  'remote.error.not_parquet': '{url} 不是 Parquet 文件：开头和结尾没有 PAR1 标记。请打开 .parquet 文件，或列出这些文件的 .json 清单。',
  'remote.error.bad_manifest': '{url} 不是 CRM Lens 能读的清单：必须是 JSON，即 Parquet 网址列表，或其 "files" 字段列出网址的对象。',
  'remote.error.changed': '{url} 在读取过程中发生了变化（大小或某一部分不一致）。请重新打开。',
  'remote.stopped': '已停止读取 {url}。',
  'remote.choice': '读取 {total} 列中的 {n} 列（约 {bytes}，共 {size}）：根据列名找到的 CRM 分析所用的列。',
  'remote.readRoles': '读取这 {n} 列',
  'remote.readAll': '读取全部列（{size}）',
  'remote.done': '已通过范围请求读取 {read}，共 {total}（{share}）。',
};
