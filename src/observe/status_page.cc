#include "observe/status_page.h"

namespace duet {

const std::string_view kStatusPageHtml = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>duet status</title>
<style>
:root { --bg:#f5f6f8; --card:#fff; --ink:#1d2330; --muted:#667085; --ok:#1a7f37; --bad:#c62828;
        --warn:#b26a00; --bar:#3b6fd8; }
@media (prefers-color-scheme: dark) {
  :root { --bg:#12151b; --card:#1c212b; --ink:#e6e9ef; --muted:#9aa3b2; --bar:#5b8cf0; }
}
* { box-sizing: border-box; }
body { margin:0; font:15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       background:var(--bg); color:var(--ink); }
header { padding:14px 16px; display:flex; flex-wrap:wrap; gap:8px; align-items:center; }
h1 { font-size:20px; margin:0; flex:1 1 auto; }
h2 { font-size:13px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted);
     margin:0 0 6px; font-weight:600; }
.badge { padding:3px 10px; border-radius:999px; font-weight:600; font-size:13px; color:#fff;
         background:var(--muted); }
.badge.ok { background:var(--ok); } .badge.bad { background:var(--bad); }
.badge.warn { background:var(--warn); }
main { padding:0 12px 20px; display:grid; gap:12px;
       grid-template-columns:repeat(auto-fit, minmax(260px, 1fr)); }
section { background:var(--card); border-radius:10px; padding:12px 14px;
          box-shadow:0 1px 2px rgba(0,0,0,.08); min-width:0; }
section.wide { grid-column:1 / -1; }
.big { font-size:26px; font-weight:700; }
.muted { color:var(--muted); font-size:13px; }
.bar { height:10px; background:rgba(127,127,127,.2); border-radius:5px; overflow:hidden;
       margin:6px 0; }
.bar > div { height:100%; background:var(--bar); width:0; transition:width .4s; }
.bar > div.high { background:var(--bad); }
dl { display:grid; grid-template-columns:auto 1fr; gap:2px 12px; margin:0; }
dt { color:var(--muted); } dd { margin:0; text-align:right; font-variant-numeric:tabular-nums; }
.scroll { overflow-x:auto; }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { padding:5px 8px; text-align:right; white-space:nowrap;
         border-bottom:1px solid rgba(127,127,127,.2); }
th:first-child, td:first-child { text-align:left; }
th { color:var(--muted); font-weight:600; font-size:13px; }
td.nonzero-failed { color:var(--bad); font-weight:600; }
#error { display:none; background:var(--bad); color:#fff; padding:8px 16px; }
</style>
</head>
<body>
<div id="error"></div>
<header>
  <h1 id="title">duet</h1>
  <span id="health" class="badge">loading</span>
</header>
<main>
  <section>
    <h2>Memory</h2>
    <div class="big" id="mem-used">-</div>
    <div class="bar"><div id="mem-bar"></div></div>
    <div class="muted" id="mem-limit">-</div>
    <dl><dt>RSS</dt><dd id="mem-rss">-</dd><dt>Peak</dt><dd id="mem-peak">-</dd>
        <dt>Policy</dt><dd id="mem-policy">-</dd></dl>
  </section>
  <section>
    <h2>Traffic</h2>
    <div class="big" id="ops">-</div>
    <div class="muted">operations per second</div>
    <dl><dt>Hit ratio</dt><dd id="hit-ratio">-</dd>
        <dt>Clients</dt><dd id="clients">-</dd>
        <dt>Blocked clients</dt><dd id="blocked">-</dd>
        <dt>Commands</dt><dd id="commands">-</dd></dl>
  </section>
  <section>
    <h2>Keys</h2>
    <div class="big" id="keys">-</div>
    <div class="muted" id="keys-dbs">-</div>
    <dl><dt>Evicted</dt><dd id="evicted">-</dd>
        <dt>Expired</dt><dd id="expired">-</dd>
        <dt>Uptime</dt><dd id="uptime">-</dd></dl>
  </section>
  <section>
    <h2>Persistence</h2>
    <dl><dt>AOF</dt><dd id="aof">-</dd>
        <dt>Last save</dt><dd id="last-save">-</dd>
        <dt>Last save status</dt><dd id="save-status">-</dd>
        <dt>Changes since save</dt><dd id="changes">-</dd></dl>
  </section>
  <section class="wide">
    <h2>BullMQ queues</h2>
    <div class="scroll"><table id="queues">
      <thead><tr><th>queue</th><th>wait</th><th>active</th><th>delayed</th><th>prioritized</th>
        <th>paused</th><th>failed</th><th>completed</th></tr></thead>
      <tbody><tr><td colspan="8" class="muted">no queues found</td></tr></tbody>
    </table></div>
  </section>
</main>
<footer class="muted" style="padding:0 16px 16px">Updated <span id="updated">never</span>
  &middot; <a href="metrics">/metrics</a></footer>
<script>
"use strict";
function parseMetrics(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (!line || line[0] === "#") continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m) continue;
    const labels = {};
    if (m[2]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[2])) !== null) {
        labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\(.)/g, "$1");
      }
    }
    out.push({name: m[1], labels: labels, value: Number(m[3])});
  }
  return out;
}
function one(ms, name) {
  const s = ms.find(x => x.name === name);
  return s ? s.value : undefined;
}
function bytes(n) {
  if (n === undefined) return "-";
  const u = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n.toFixed(0)) + " " + u[i];
}
function num(n) { return n === undefined ? "-" : n.toLocaleString("en-US"); }
function ago(sec) {
  if (sec < 60) return Math.round(sec) + " s ago";
  if (sec < 3600) return Math.round(sec / 60) + " min ago";
  if (sec < 86400) return (sec / 3600).toFixed(1) + " h ago";
  return (sec / 86400).toFixed(1) + " days ago";
}
function span(sec) {
  if (sec === undefined) return "-";
  if (sec < 3600) return Math.round(sec / 60) + " min";
  if (sec < 86400) return (sec / 3600).toFixed(1) + " h";
  return (sec / 86400).toFixed(1) + " days";
}
function set(id, text) { document.getElementById(id).textContent = text; }
let previous = null;
function render(ms) {
  const info = ms.find(x => x.name === "duet_instance_info");
  const port = info ? info.labels.tcp_port : "";
  document.getElementById("title").textContent = "duet" + (port ? " :" + port : "");
  document.title = "duet" + (port ? " :" + port : "") + " status";
  const used = one(ms, "duet_memory_used_bytes"), max = one(ms, "duet_memory_max_bytes");
  set("mem-used", bytes(used));
  const bar = document.getElementById("mem-bar");
  if (max) {
    const pct = Math.min(100, 100 * used / max);
    bar.style.width = pct.toFixed(1) + "%";
    bar.className = pct >= 90 ? "high" : "";
    set("mem-limit", pct.toFixed(1) + "% of maxmemory " + bytes(max));
  } else {
    bar.style.width = "0";
    set("mem-limit", "no maxmemory limit");
  }
  set("mem-rss", bytes(one(ms, "duet_memory_rss_bytes")));
  set("mem-peak", bytes(one(ms, "duet_memory_peak_bytes")));
  set("mem-policy", info ? info.labels.maxmemory_policy : "-");
  set("ops", num(one(ms, "duet_instantaneous_ops_per_sec")));
  const hits = one(ms, "duet_keyspace_hits_total"), misses = one(ms, "duet_keyspace_misses_total");
  let ratio = "-";
  if (previous) {
    const dh = hits - previous.hits, dm = misses - previous.misses;
    if (dh + dm > 0) ratio = (100 * dh / (dh + dm)).toFixed(1) + "% (now)";
  }
  if (ratio === "-" && hits + misses > 0) ratio = (100 * hits / (hits + misses)).toFixed(1) + "%";
  set("hit-ratio", ratio);
  previous = {hits: hits, misses: misses};
  set("clients", num(one(ms, "duet_connected_clients")));
  set("blocked", num(one(ms, "duet_blocked_clients")));
  set("commands", num(one(ms, "duet_commands_processed_total")));
  const dbs = ms.filter(x => x.name === "duet_keys");
  set("keys", num(dbs.reduce((a, x) => a + x.value, 0)));
  set("keys-dbs", dbs.length ? dbs.map(x => "db" + x.labels.db + ": " + num(x.value)).join(", ")
                             : "empty");
  set("evicted", num(one(ms, "duet_evicted_keys_total")));
  set("expired", num(one(ms, "duet_expired_keys_total")));
  set("uptime", span(one(ms, "duet_uptime_seconds")));
  const aof = one(ms, "duet_aof_enabled"), aofOk = one(ms, "duet_aof_last_write_ok");
  set("aof", aof === undefined ? "-" : aof ? (aofOk === 0 ? "on, write FAILING" : "on") : "off");
  const lastSave = one(ms, "duet_rdb_last_save_timestamp_seconds");
  set("last-save", lastSave ? ago(Math.max(0, Date.now() / 1000 - lastSave)) : "-");
  const saveOk = one(ms, "duet_rdb_last_bgsave_ok");
  set("save-status", saveOk === undefined ? "-" : saveOk ? "ok" : "FAILED");
  set("changes", num(one(ms, "duet_rdb_changes_since_last_save")));
  const bad = saveOk === 0 || aofOk === 0;
  const full = max && used / max >= 0.9;
  const health = document.getElementById("health");
  health.textContent = bad ? "persistence failing" : full ? "memory high" : "healthy";
  health.className = "badge " + (bad ? "bad" : full ? "warn" : "ok");
  const queues = new Map();
  for (const s of ms.filter(x => x.name === "duet_bullmq_jobs")) {
    const key = (s.labels.db !== "0" ? "db" + s.labels.db + " " : "") + s.labels.prefix + ":" +
                s.labels.queue;
    if (!queues.has(key)) queues.set(key, {});
    queues.get(key)[s.labels.state] = s.value;
  }
  const body = document.querySelector("#queues tbody");
  body.textContent = "";
  if (!queues.size) {
    body.innerHTML = '<tr><td colspan="8" class="muted">no queues found</td></tr>';
  }
  const states = ["wait", "active", "delayed", "prioritized", "paused", "failed", "completed"];
  for (const [name, q] of queues) {
    const tr = document.createElement("tr");
    tr.className = "queue";
    const td = document.createElement("td");
    td.textContent = name;
    tr.appendChild(td);
    for (const st of states) {
      const c = document.createElement("td");
      c.textContent = num(q[st] || 0);
      c.dataset.state = st;
      if (st === "failed" && q[st] > 0) c.className = "nonzero-failed";
      tr.appendChild(c);
    }
    body.appendChild(tr);
  }
  set("updated", new Date().toLocaleTimeString());
}
async function refresh() {
  const err = document.getElementById("error");
  try {
    const r = await fetch("metrics", {cache: "no-store"});
    if (!r.ok) throw new Error("HTTP " + r.status);
    render(parseMetrics(await r.text()));
    err.style.display = "none";
  } catch (e) {
    err.textContent = "Cannot reach the server: " + e.message;
    err.style.display = "block";
    const health = document.getElementById("health");
    health.textContent = "unreachable";
    health.className = "badge bad";
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)html";

}  // namespace duet
