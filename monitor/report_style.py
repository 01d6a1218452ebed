"""The story page's stylesheet, inlined so the page stands alone."""

CSS = """
:root{--ink:#1f2430;--muted:#6b7280;--line:#e5e7eb;--bg:#f7f7f5;--card:#fff;
--new:#d97706;--new-bg:#fff4dc;--changed:#7c3aed;--changed-bg:#f1eaff;--opener:#475569;--seen:#9ca3af;
--restated:#0f766e;--restated-bg:#eef6f5}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1040px;margin:0 auto;padding:28px 24px 48px}
a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}
h1{font-size:28px;line-height:1.2;margin:6px 0 4px}
h2{font-size:18px;margin:0 0 12px}
h3{font-size:16px;margin:2px 0}
h4{font-size:13px;text-transform:uppercase;letter-spacing:.04em;margin:14px 0 6px}
.eyebrow{font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted)}
.badge{display:inline-block;margin-left:6px;padding:1px 8px;border-radius:999px;background:#e8eaf0;color:#374151;font-size:11px;letter-spacing:.03em}
.badge-tracked{background:#dcfce7;color:#166534}
.meta{color:var(--muted);font-size:13px;margin:0}
.muted{color:var(--muted)}.small{font-size:12px}
.stats{display:flex;gap:10px;flex-wrap:wrap;margin:14px 0 4px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:8px 14px;min-width:86px}
.stat b{display:block;font-size:20px}.stat span{font-size:12px;color:var(--muted)}
.stat-restated{background:transparent}.stat-restated b{font-size:16px;line-height:30px;color:var(--restated)}
section{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:18px 20px;margin-top:18px}
.glance{border-left:5px solid var(--new)}
.glance-item+.glance-item{margin-top:12px}
.glance ul{margin:6px 0 0;padding-left:0;list-style:none}
.glance-claim{margin:4px 0;padding:6px 10px;border-radius:8px;background:var(--new-bg)}
.glance-claim a{color:var(--ink)}
.glance-changed{background:var(--changed-bg)}
.glance-restated{background:#f8fafc;border:1px dashed #cbd5e1}.glance-restated a{color:#4b5563}
.c-new{color:var(--new)}.c-changed{color:var(--changed)}.c-restated{color:var(--restated);font-weight:600}
.tag{display:inline-block;font-size:10px;font-weight:700;letter-spacing:.06em;padding:1px 6px;border-radius:4px;margin-right:8px;vertical-align:1px;color:#fff}
.tag-new{background:var(--new)}.tag-changed{background:var(--changed)}.tag-restated{background:var(--restated)}
svg.coverage{width:100%;height:auto;display:block}
.band{fill:#fafafa}.lane{stroke:var(--line);stroke-width:1}
.axis{stroke:#9ca3af}.tick{stroke:#eef0f3}.tick-label{font-size:11px;fill:var(--muted)}
.outlet-label{font-size:13px;fill:var(--ink);font-weight:600}
.mark circle{stroke:#fff;stroke-width:2}
.mark-opener circle{fill:var(--opener)}.mark-new circle{fill:var(--new)}
.mark-changed circle{fill:var(--changed)}.mark-seen circle{fill:#fff;stroke:var(--seen);stroke-width:2}
.mark-pos{font-size:12px;font-weight:700;fill:#fff;pointer-events:none}.mark-seen .mark-pos{fill:var(--seen)}
.mark-label{font-size:12px;font-weight:700}.mark-label-new{fill:var(--new)}.mark-label-changed{fill:var(--changed)}.mark-label-opener{fill:var(--opener);font-weight:600}
.mark:hover circle{stroke:#111}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:12px;margin-top:8px;color:var(--ink)}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:-1px}
.dot-opener{background:var(--opener)}.dot-new{background:var(--new)}.dot-changed{background:var(--changed)}.dot-seen{border:2px solid var(--seen)}
.card{border:1px solid var(--line);border-radius:12px;padding:14px 16px;margin-top:12px;border-left:5px solid var(--seen)}
.card-opener{border-left-color:var(--opener)}.card-new{border-left-color:var(--new)}.card-changed{border-left-color:var(--changed)}.card-restated{border-left-color:var(--restated)}
.card:target,.claim:target{box-shadow:0 0 0 3px #93c5fd}
.card-head{display:flex;gap:12px;align-items:flex-start}
.card-head>div:nth-child(2){flex:1}
.pos{flex:none;width:28px;height:28px;border-radius:50%;background:#eef0f3;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:13px}
.outlet{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
.chips{display:flex;gap:6px;flex:none}
.chip{font-size:11px;padding:2px 8px;border-radius:999px;background:#f3f4f6;color:#374151}
.chip-new{background:var(--new-bg);color:#92400e}.chip-changed{background:var(--changed-bg);color:#5b21b6}.chip-restated{background:var(--restated-bg);color:var(--restated)}
ol.claims{margin:0;padding-left:22px}
.claim{margin:6px 0;padding:6px 10px;border-radius:8px}
.claim-new{background:var(--new-bg)}
.claim-opener{background:#f8fafc}
.claim-changed{background:var(--changed-bg)}
.claim-seen{color:#4b5563}
.restated-legend{font-size:13px;color:#374151;background:var(--restated-bg);border-radius:8px;padding:8px 12px;margin:0 0 4px}
.restated-legend b,.h-restated{color:var(--restated)}
.restated{margin-top:4px}
.claim-restated{background:var(--restated-bg)}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;align-items:start}
.pair .this,.pair .closest{background:#fff;border-radius:6px;padding:6px 8px;font-size:14px}
.pair .closest{color:#4b5563}.pair .closest a{color:#374151}
.sure{font-size:12px;color:var(--restated);margin-top:4px}
.src{font-size:12px;white-space:nowrap;margin-left:4px}
.h-new{color:var(--new)}.h-changed{color:var(--changed)}.h-opener{color:var(--opener)}
.diff{display:grid;grid-template-columns:1fr auto 1fr;gap:10px;align-items:start;margin-top:4px}
.diff .arrow{font-size:20px;color:var(--changed);padding-top:8px}
.diff .before,.diff .after{background:#fff;border-radius:6px;padding:6px 8px;font-size:14px}
.lbl{display:block;font-size:10px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
del{background:#fee2e2;color:#991b1b;text-decoration:line-through}
ins{background:#dcfce7;color:#166534;text-decoration:none;font-weight:600}
details.seen{margin-top:10px}details.seen summary{cursor:pointer;color:var(--muted);font-size:13px}
.matched{font-size:12px;margin-top:2px}
table{width:100%;border-collapse:collapse;font-size:13px}
th{text-align:left;font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line);padding:6px}
td{border-bottom:1px solid #f0f1f3;padding:7px 6px;vertical-align:top}
td a{color:var(--ink)}td.num{text-align:right;font-variant-numeric:tabular-nums}
.kind{font-size:11px;padding:1px 6px;border-radius:4px;background:#f3f4f6}
.kind-new{background:var(--new-bg);color:#92400e}.kind-changed{background:var(--changed-bg);color:#5b21b6}.kind-restated{background:var(--restated-bg);color:var(--restated)}
.hist,td.first{white-space:nowrap}
.hs{display:inline-block;font-size:10px;padding:1px 5px;margin:1px;border-radius:3px;background:#f3f4f6;color:#374151}
.hs-new{background:var(--new-bg);color:#92400e}.hs-changed{background:var(--changed-bg);color:#5b21b6}
footer{color:var(--muted);font-size:12px;margin-top:22px;text-align:center}
.site-nav{display:flex;gap:20px;padding:12px 24px;background:#1f2430;font-size:14px}
.site-nav a{color:#e2e8f0}.site-nav a:first-child{font-weight:600;color:#fff}
@media (max-width:640px){.pair{grid-template-columns:1fr}}
@media print{body{background:#fff}section{break-inside:avoid}.site-nav{display:none}}
"""
