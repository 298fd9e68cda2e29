// The import details page of a running import: polls its status every second and shows the counters in the page's
// language (the names come from data-status-names); reloads once the import is finished. Without script the page
// refreshes itself (<noscript> meta refresh). A file, not an inline script, so the Content-Security-Policy allows it.
(function () {
    "use strict";

    var section = document.getElementById("import-status");
    if (!section || section.getAttribute("data-finished") === "true") { return; }
    var statusNames = JSON.parse(section.getAttribute("data-status-names") || "{}");
    var set = function (id, text) { var element = document.getElementById(id); if (element) { element.textContent = text; } };
    var number = function (n) { return n.toLocaleString(); };

    async function poll() {
        try {
            var response = await fetch(section.getAttribute("data-status-url"), { headers: { Accept: "application/json" } });
            if (response.ok) {
                var s = await response.json();
                set("status", statusNames[s.status] || s.status);
                set("rowsRead", number(s.rowsRead));
                set("imported", number(s.imported));
                set("duplicates", number(s.duplicates));
                set("rejected", number(s.rejected));
                if (s.percent !== undefined && s.percent !== null) {
                    document.getElementById("progress").value = s.percent;
                    set("percent", s.percent.toFixed(1) + "%");
                }
                if (s.finished) { location.reload(); return; }
            }
        } catch (e) { /* a missed poll is retried */ }
        setTimeout(poll, 1000);
    }
    setTimeout(poll, 1000);
})();
