import Crypto
import Foundation
import Hummingbird

/// The dashboard's stylesheet and script, in the binary, served under names that carry their
/// hash (so that they can be cached for ever and a new binary's are fetched anew). No inline
/// style or script anywhere: the Content-Security-Policy allows only these.
enum DashboardAssets {
    static let css = #"""
        :root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de; --accent: #5b2fd6;
          --ok: #1a7f37; --bad: #cf222e; --busy: #9a6700; --code: #f6f8fa; }
        @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #30363d; --accent: #a78bfa;
          --ok: #3fb950; --bad: #f85149; --busy: #d29922; --code: #161b22; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
        .skip { position: absolute; left: -100rem; } .skip:focus { left: 1rem; top: .5rem; background: var(--bg); padding: .3rem; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        header.top { display: flex; justify-content: space-between; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
        .account { display: flex; gap: .6rem; align-items: center; }
        .brand { font-weight: 700; color: var(--accent); text-decoration: none; }
        main { max-width: 64rem; margin: 0 auto; padding: 1rem; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, pre:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
        .muted { color: var(--muted); }
        .crumbs { color: var(--muted); }
        .cards { list-style: none; padding: 0; display: grid; gap: .6rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem; display: flex; flex-direction: column; gap: .2rem; }
        .plain { list-style: none; padding: 0; }
        .stack { display: flex; flex-direction: column; gap: .4rem; max-width: 22rem; }
        .row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .8rem 0; }
        .tabs a { padding: .2rem .6rem; border-radius: 6px; text-decoration: none; }
        .tabs a[aria-current="page"] { background: var(--accent); color: #fff; }
        .inline { display: inline; }
        input, select { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
        .check input { margin-right: .3rem; }
        textarea { font: 13px/1.45 ui-monospace, monospace; padding: .4rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); width: 100%; }
        .stack.wide { max-width: 40rem; }
        details.wide { flex-basis: 100%; }
        .settings { display: grid; grid-template-columns: max-content minmax(6rem, 12rem); gap: .4rem .8rem; align-items: center; }
        .settings button { grid-column: 1 / -1; justify-self: start; }
        button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
        button.secondary { background: transparent; color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        .status { font-size: .85em; font-weight: 600; }
        .status-ok { color: var(--ok); } .status-bad { color: var(--bad); } .status-busy { color: var(--busy); } .status-none { color: var(--muted); }
        .error { color: var(--bad); }
        .metrics-link { margin-left: auto; }
        .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr)); gap: .6rem; margin: 1rem 0; }
        .figures div { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .6rem; }
        .figures dt { color: var(--muted); font-size: .85em; } .figures dd { margin: 0; font-weight: 600; }
        svg.bars, svg.chart { width: 100%; max-width: 40rem; display: block; }
        svg.chart { height: 8rem; border: 1px solid var(--line); border-radius: 6px; }
        svg .label { fill: var(--fg); font-size: 13px; }
        svg .tone-ok { fill: var(--ok); } svg .tone-busy { fill: var(--busy); } svg .tone-bad { fill: var(--bad); }
        svg .line { fill: none; stroke: var(--accent); stroke-width: 2; vector-effect: non-scaling-stroke; }
        svg .line-bad { fill: none; stroke: var(--bad); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
        .danger-zone { margin-top: 2rem; border: 1px solid var(--bad); border-radius: 6px; padding: .4rem .8rem; }
        .danger-zone summary { cursor: pointer; color: var(--bad); }
        .made { border-left: 3px solid var(--ok); padding: .2rem .8rem; margin: 1rem 0; }
        .tag { border: 1px solid var(--line); border-radius: 4px; padding: 0 .3rem; }
        code, .log { font: 13px/1.45 ui-monospace, monospace; }
        code.value { word-break: break-all; }
        .log { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: .6rem; height: 22rem; overflow: auto; white-space: pre-wrap; word-break: break-all; margin: 0; }
        .log .system { color: var(--muted); } .log .stderr { color: var(--bad); } .log .hidden { display: none; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        @media (max-width: 40rem) {
          table.deployments td:nth-child(3), table.deployments th:nth-child(3), table.deployments td:nth-child(5), table.deployments th:nth-child(5) { display: none; }
          header.top { flex-wrap: wrap; gap: .4rem; } .who { display: none; }
        }
        """#

    static let js = #"""
        "use strict";
        // The dashboard works without this script; with it, times are the reader's own, the
        // latest deployment's log streams into the page, destructive forms ask first, and a
        // watched page swaps in its live parts when the server says the page changed.
        (() => {
          const localTimes = (root) => {
            for (const time of root.querySelectorAll("time[datetime]")) {
              const when = new Date(time.getAttribute("datetime"));
              if (!Number.isNaN(when.getTime())) time.textContent = when.toLocaleString();
            }
          };

          document.addEventListener("submit", (event) => {
            const question = event.target.dataset && event.target.dataset.confirm;
            if (question && !window.confirm(question)) event.preventDefault();
          });

          // Logs: the API's stream of the deployment's lines, history first.
          let logSource = null;
          const terminal = new Set(["FAILED", "REMOVED", "SKIPPED"]);
          const filterInput = () => document.getElementById("log-filter");
          const shown = (row) => {
            const filter = (filterInput() && filterInput().value || "").toLowerCase();
            return !filter || row.textContent.toLowerCase().includes(filter);
          };
          const appendLine = (text, kind) => {
            const lines = document.getElementById("log-lines");
            if (!lines) return;
            const row = document.createElement("div");
            row.textContent = text;
            if (kind) row.className = kind;
            if (!shown(row)) row.classList.add("hidden");
            lines.appendChild(row);
            const follow = document.getElementById("log-follow");
            if (!follow || follow.checked) lines.scrollTop = lines.scrollHeight;
          };
          const followLog = (id) => {
            const section = document.getElementById("logs");
            if (!section) return;
            if (logSource) { logSource.close(); logSource = null; }
            const lines = document.getElementById("log-lines");
            lines.textContent = "";
            section.dataset.deployment = id || "";
            section.dataset.streaming = id ? "1" : "";
            if (!id) return;
            const phase = document.getElementById("log-phase");
            const only = phase && phase.value ? "&phase=" + encodeURIComponent(phase.value) : "";
            logSource = new EventSource("/ui/deployments/" + encodeURIComponent(id) + "/logs?follow=true&tail=2000" + only);
            logSource.addEventListener("line", (event) => {
              const line = JSON.parse(event.data);
              const when = new Date(line.time);
              const stamp = Number.isNaN(when.getTime()) ? "" : when.toLocaleTimeString() + " ";
              appendLine(stamp + "[" + line.phase + (line.replica ? " " + line.replica : "") + "] " + line.message, line.stream);
            });
            logSource.addEventListener("status", (event) => {
              const status = JSON.parse(event.data);
              appendLine("— " + status.status + (status.reason ? ": " + status.reason : ""), "system");
              if (terminal.has(String(status.status).toUpperCase())) { logSource.close(); logSource = null; }
            });
          };
          document.addEventListener("change", (event) => {
            if (event.target.id !== "log-phase") return;
            const logs = document.getElementById("logs");
            if (logs) followLog(logs.dataset.deployment);
          });
          document.addEventListener("input", (event) => {
            if (event.target.id !== "log-filter") return;
            for (const row of document.querySelectorAll("#log-lines > div")) row.classList.toggle("hidden", !shown(row));
          });

          // A watched page: on "changed", fetch it and swap each live part; on "gone", reload.
          const refresh = async () => {
            const answer = await fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } });
            if (answer.redirected || !answer.ok) { window.location.reload(); return; }
            const next = new DOMParser().parseFromString(await answer.text(), "text/html");
            for (const part of document.querySelectorAll("[data-live][id]")) {
              const fresh = next.getElementById(part.id);
              if (fresh) { part.replaceWith(fresh); localTimes(fresh); }
            }
            const logs = next.getElementById("logs");
            const current = document.getElementById("logs");
            if (logs && current && logs.dataset.deployment !== current.dataset.deployment) followLog(logs.dataset.deployment);
          };
          const watch = () => {
            const separator = window.location.search ? "&" : "?";
            const source = new EventSource(window.location.pathname + window.location.search + separator + "watch=1&version="
              + encodeURIComponent(document.body.dataset.version || ""));
            let busy = Promise.resolve();
            source.addEventListener("changed", () => { busy = busy.then(refresh).catch(() => {}); });
            source.addEventListener("gone", () => { source.close(); window.setTimeout(() => window.location.reload(), 1000); });
            // Refused (every place taken, 503) rather than cut off: EventSource gives up, so
            // ask again a little later.
            source.addEventListener("error", () => {
              if (source.readyState === EventSource.CLOSED) window.setTimeout(watch, 5000);
            });
          };

          document.addEventListener("DOMContentLoaded", () => {
            localTimes(document);
            const logs = document.getElementById("logs");
            if (logs) followLog(logs.dataset.deployment);
            if (document.body.dataset.watch === "1") watch();
          });
        })();
        """#

    static let cssName = "app.\(shortHash(css)).css"
    static let jsName = "app.\(shortHash(js)).js"

    static func shortHash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(5).map { String(format: "%02x", $0) }.joined()
    }

    /// The asset named `name`, cached for a year (its name changes with its content); 404 for
    /// any other name.
    static func response(for name: String) -> Response {
        let (body, type): (String, String)
        switch name {
        case cssName: (body, type) = (css, "text/css; charset=utf-8")
        case jsName: (body, type) = (js, "text/javascript; charset=utf-8")
        default: return Response(status: .notFound)
        }
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
