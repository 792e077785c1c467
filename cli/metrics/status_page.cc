#include "cli/metrics/status_page.h"

namespace reconcile::cli {

std::string_view StatusPageHtml() {
  static constexpr std::string_view kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reconcile</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { font-size: 1.4em; margin: 0 0 .2em; } h2 { font-size: 1.1em; margin: 1.4em 0 .4em; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .25em .6em; border-bottom: 1px solid #ddd; vertical-align: top; }
  th { background: #f4f4f4; } code { font-size: 12px; }
  .converged { color: #176f2c; } .drift { color: #a5520b; } .failed, .error { color: #b0181f; }
  #meta { color: #555; } #stale { color: #b0181f; }
  #revision { margin-top: .3em; } #revision .refused { white-space: pre-wrap; font-family: monospace; }
</style>
</head>
<body>
<h1>reconcile: <span id="cluster">…</span> <span id="overall"></span></h1>
<div id="meta">waiting for the first pass</div><div id="revision" hidden></div><div id="stale"></div>
<h2>Nodes</h2>
<table id="nodes"><thead><tr><th>host</th><th>node</th><th>group</th><th>state</th><th>address</th>
<th>roles applied</th><th>drift</th></tr></thead><tbody></tbody></table>
<h2>Last passes</h2>
<table id="passes"><thead><tr><th>pass</th><th>finished</th><th>result</th><th>actions</th></tr></thead><tbody></tbody></table>
<h2>Drift corrected</h2>
<table id="drift"><thead><tr><th>corrected</th><th>pass</th><th>node</th><th>action</th><th>why</th></tr></thead><tbody></tbody></table>
<script>
"use strict";
function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}
function fill(id, items, addRow, empty) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren();
  if (items.length === 0) { cell(body.insertRow(), empty).colSpan = 9; return; }
  for (const item of items) addRow(body.insertRow(), item);
}
function actionText(a) {
  return a.kind + (a.role ? " " + a.role : "") + " " + a.node + ": " + a.outcome +
         (a.error ? " (" + a.error + ")" : "");
}
function shortCommit(c) { return c ? c.slice(0, 12) : "none"; }
function line(parent, parts) {
  const div = document.createElement("div");
  for (const [text, cls] of parts) {
    const span = document.createElement("span");
    span.textContent = text;
    if (cls) span.className = cls;
    div.append(span);
  }
  parent.append(div);
}
// The commits of watch --git: what the nodes run, what the loop converges
// to, the branch's tip, and a refused tip with its located errors.
function showRevision(r) {
  const box = document.getElementById("revision");
  box.replaceChildren();
  box.hidden = !r;
  if (!r) return;
  line(box, [["spec " + r.path + " on " + r.branch + " of " + r.repo + ": "],
             ["applied " + shortCommit(r.applied), r.applied && r.applied === r.desired ? "converged" : "drift"],
             [", desired " + shortCommit(r.desired) + ", seen " + shortCommit(r.seen)]]);
  if (r.refused) line(box, [["refused " + shortCommit(r.refused.commit) + ": " + r.refused.error, "error refused"]]);
  if (r.fetch_error) line(box, [["fetch failing: " + r.fetch_error, "error"]]);
}
function showStatus(s) {
  document.getElementById("cluster").textContent = s.cluster || "…";
  const overall = document.getElementById("overall");
  overall.textContent = s.converged ? "converged" : (s.nodes ? "not converged" : "");
  overall.className = s.converged ? "converged" : "drift";
  showRevision(s.revision);
  fill("nodes", s.nodes || [], (row, n) => {
    cell(row, n.host || "");
    cell(row, n.node);
    cell(row, n.group);
    cell(row, n.state, n.converged ? "converged" : "drift");
    cell(row, n.address);
    cell(row, n.roles_applied.join(", "));
    cell(row, n.drift.length ? n.drift.join("; ") : "converged", n.drift.length ? "drift" : "converged");
  }, "no nodes yet");
}
function showHistory(h) {
  const last = h.passes[0];
  document.getElementById("meta").textContent =
      last ? "last pass " + last.pass + " finished " + last.finished + ": " + last.summary
           : "waiting for the first pass";
  fill("passes", h.passes, (row, p) => {
    cell(row, String(p.pass));
    cell(row, p.finished);
    cell(row, p.result, p.result === "failed" || p.result === "error" ? p.result : "");
    cell(row, p.actions.length ? p.actions.map(actionText).join("; ") : p.summary);
  }, "no pass yet");
  fill("drift", h.drift, (row, d) => {
    cell(row, d.corrected);
    cell(row, String(d.pass));
    cell(row, d.node);
    cell(row, d.kind + (d.role ? " " + d.role : ""));
    cell(row, d.reason);
  }, "none since the cluster first converged");
}
async function refresh() {
  try {
    const [status, history] = await Promise.all(
        ["status.json", "history.json"].map(path => fetch(path, {cache: "no-store"}).then(r => r.json())));
    showStatus(status);
    showHistory(history);
    document.getElementById("stale").textContent = "";
  } catch (e) {
    document.getElementById("stale").textContent = "cannot reach the watch: " + e;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)HTML";
  return kPage;
}

}  // namespace reconcile::cli
