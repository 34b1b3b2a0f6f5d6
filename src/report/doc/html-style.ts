/**
 * The exported report's stylesheet: screen and A4 print (running header, page numbers, no chart split across pages).
 * In print the cover and the contents share page 1, which has no running header (the title is right below it).
 */
export const REPORT_CSS = `
:root{color-scheme:light;--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--accent:#2563eb}
*{box-sizing:border-box}
body.wait{display:none}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);background:#fff}
main{max-width:860px;margin:0 auto;padding:2rem 1.5rem 4rem}
.cover{border-bottom:3px solid var(--accent);padding:3rem 0 1.5rem;margin-bottom:1.5rem}
.cover h1{font-size:2.1rem;margin:0 0 .5rem;overflow-wrap:anywhere}
.meta,.hint,.caption,.desc{color:var(--muted)}
.caption,.desc{font-size:.82rem;margin:.35rem 0 0}
h2{font-size:1.35rem;border-bottom:1px solid var(--line);padding-bottom:.3rem;margin-top:2.2rem}
h3{font-size:1.02rem;margin:0 0 .5rem;overflow-wrap:anywhere}
.toc ol{padding-left:1.4rem}
a{color:#1d4ed8}
.item{margin:1.2rem 0;padding:1rem;border:1px solid var(--line);border-radius:8px;break-inside:avoid;page-break-inside:avoid}
.kpi .value{font-size:1.9rem;font-weight:650;margin:0;font-variant-numeric:tabular-nums}
.canvas{width:100%;height:360px}
.canvas.static{height:auto}.canvas.static svg{max-width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.86rem;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);font-size:.8rem;padding-bottom:.3rem}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th.num,td.num{text-align:right;white-space:nowrap;overflow-wrap:normal}
th.short,td.short{white-space:nowrap;overflow-wrap:normal}
thead th{background:#f0f4f8}
.note{white-space:pre-wrap}
dt{font-weight:600;margin-top:.5rem}
pre{background:#f5f7fa;border:1px solid var(--line);border-radius:6px;padding:.5rem;font-size:.75rem;white-space:pre-wrap;overflow-wrap:anywhere;break-inside:avoid}
@page{size:A4;margin:18mm 14mm 16mm;@bottom-right{content:counter(page) " / " counter(pages);font-size:9pt;color:#52606d;font-family:system-ui,sans-serif}}
@page{@top-center{font-size:9pt;color:#52606d;font-family:"Noto Sans SC",system-ui,-apple-system,"Segoe UI",Roboto,"PingFang SC","Microsoft YaHei",sans-serif}}
@page:first{@top-center{content:none}}
@media print{
 body{font-size:11pt}
 main{max-width:none;padding:0}
 .cover{padding-top:18vh;margin-bottom:2.5rem}
 .toc{break-after:page;page-break-after:always}
 .item{border-color:#cbd2d9}
 section{break-before:auto}
 h2,h3{break-after:avoid;page-break-after:avoid}
 a{color:inherit;text-decoration:none}
 .canvas{width:170mm;height:85mm}
}
`;
