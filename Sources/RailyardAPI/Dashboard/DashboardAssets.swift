import Crypto
import Foundation
import Hummingbird

/// The dashboard's stylesheet and script, in the binary, served under names that carry their
/// hash (so that they can be cached for ever and a new binary's are fetched anew). No inline
/// style or script anywhere: the Content-Security-Policy allows only these.
enum DashboardAssets {
    static let css = #"""
        :root { color-scheme: light dark; --fg: #1b1f24; --bg: #ffffff; --muted: #57606a; --line: #d0d7de; --accent: #5b2fd6;
          --ok: #1a7f37; --bad: #cf222e; --busy: #9a6700; }
        @media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #30363d; --accent: #a78bfa;
          --ok: #3fb950; --bad: #f85149; --busy: #d29922; } }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
        header.top { display: flex; justify-content: space-between; align-items: center; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; color: var(--accent); text-decoration: none; }
        main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus { outline: 2px solid var(--accent); outline-offset: 2px; }
        .muted { color: var(--muted); }
        .cards { list-style: none; padding: 0; display: grid; gap: .6rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: .8rem; display: flex; flex-direction: column; gap: .2rem; }
        .stack { display: flex; flex-direction: column; gap: .4rem; max-width: 22rem; }
        .row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-top: 1rem; }
        .inline { display: inline; }
        input { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
        button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent); color: #fff; cursor: pointer; }
        .status { font-size: .85em; font-weight: 600; }
        .status-ok { color: var(--ok); } .status-bad { color: var(--bad); } .status-busy { color: var(--busy); } .status-none { color: var(--muted); }
        .error { color: var(--bad); } .flash { border-left: 3px solid var(--accent); padding-left: .6rem; }
        .tag { border: 1px solid var(--line); border-radius: 4px; padding: 0 .3rem; }
        table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
        @media (max-width: 40rem) { table.deployments td:nth-child(3), table.deployments th:nth-child(3) { display: none; } }
        """#

    static let js = #"""
        "use strict";
        // Times in the reader's own zone; the page works without this script.
        document.addEventListener("DOMContentLoaded", () => {
          for (const time of document.querySelectorAll("time[datetime]")) {
            const when = new Date(time.getAttribute("datetime"));
            if (!Number.isNaN(when.getTime())) time.textContent = when.toLocaleString();
          }
        });
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
