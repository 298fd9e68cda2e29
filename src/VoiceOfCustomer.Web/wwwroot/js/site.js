// Small progressive enhancements; every page works without this file.
(function () {
    "use strict";

    // "/" jumps to the search box on the list page, unless the user is already typing somewhere.
    var search = document.getElementById("f-q");
    if (search) {
        document.addEventListener("keydown", function (event) {
            var target = event.target;
            var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
            if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
                event.preventDefault();
                search.focus();
            }
        });
    }
    // Coding form: Ctrl+Enter (Cmd+Enter) submits; the unit placeholder follows the chosen metric's default unit.
    var codingForm = document.getElementById("coding-form");
    if (codingForm) {
        codingForm.addEventListener("keydown", function (event) {
            if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                var submit = document.getElementById("submit-coding");
                if (codingForm.requestSubmit) { codingForm.requestSubmit(submit); } else { submit.click(); }
            }
        });
        var metric = document.getElementById("c-metric");
        var unit = document.getElementById("c-unit");
        if (metric && unit) {
            var fallback = unit.getAttribute("placeholder");
            metric.addEventListener("change", function () {
                var chosen = metric.options[metric.selectedIndex];
                var defaultUnit = chosen && chosen.getAttribute("data-unit");
                unit.setAttribute("placeholder", defaultUnit ? "default: " + defaultUnit : fallback);
            });
        }
    }
    // Suggested codes: "Accept" fills the form field the button names (a select, a radio or a tag checkbox); nothing
    // is saved until the CSM saves or submits. The buttons stay hidden without script, where the form works as before.
    var suggestions = document.getElementById("suggested-codes");
    if (suggestions) {
        var status = document.getElementById("suggestion-status");
        var accept = function (button) {
            var target = document.getElementById(button.getAttribute("data-accept-target"));
            if (!target) { return null; }
            if (target.tagName === "SELECT") {
                target.value = button.getAttribute("data-accept-value");
            } else {
                target.checked = true;
            }
            target.dispatchEvent(new Event("change", { bubbles: true }));
            return target;
        };
        var announce = function (labels) {
            if (status && labels.length) {
                status.textContent = (status.getAttribute("data-accepted-text") || "{0}").replace("{0}", labels.join(", "));
            }
        };
        var buttons = suggestions.querySelectorAll(".suggestion-accept, .suggestion-accept-all");
        Array.prototype.forEach.call(buttons, function (button) { button.hidden = false; });
        suggestions.addEventListener("click", function (event) {
            var button = event.target.closest("button");
            if (!button || !suggestions.contains(button)) { return; }
            if (button.classList.contains("suggestion-accept")) {
                var filled = accept(button);
                if (filled) {
                    announce([button.getAttribute("data-accept-label")]);
                    // The field just filled gets focus, so the CSM sees (and can change) what was taken.
                    filled.focus();
                }
            } else if (button.classList.contains("suggestion-accept-all")) {
                var labels = [];
                Array.prototype.forEach.call(suggestions.querySelectorAll(".suggestion-best .suggestion-accept"), function (best) {
                    if (accept(best)) { labels.push(best.getAttribute("data-accept-label")); }
                });
                announce(labels);
            }
        });
    }
    // Header menus (<details>): Escape closes the open one and gives focus back to its summary; a click elsewhere closes it.
    var menus = document.querySelectorAll("details.nav-menu");
    if (menus.length) {
        document.addEventListener("keydown", function (event) {
            if (event.key !== "Escape") { return; }
            Array.prototype.forEach.call(menus, function (menu) {
                if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
            });
        });
        document.addEventListener("click", function (event) {
            Array.prototype.forEach.call(menus, function (menu) {
                if (menu.open && !menu.contains(event.target)) { menu.open = false; }
            });
        });
    }

    // Charts: each <script type="application/json" data-chart-for="id"> describes the chart of canvas #id (see
    // Features/Shared/ChartSpec.cs); Chart.js draws it. Without the library (or without script) the table stays.
    if (window.Chart) {
        Array.prototype.forEach.call(document.querySelectorAll("script[data-chart-for]"), function (data) {
            var canvas = document.getElementById(data.getAttribute("data-chart-for"));
            if (!canvas) { return; }
            var spec = JSON.parse(data.textContent);
            var suffix = spec.ySuffix || "";
            var datasets = spec.series.map(function (series) {
                return {
                    type: series.type || undefined,
                    label: series.name,
                    data: series.values,
                    notes: series.notes,
                    borderColor: series.colour,
                    backgroundColor: series.pointColours || series.colour,
                    borderDash: series.dashed ? [6, 4] : [],
                    spanGaps: false,
                    pointRadius: 3.5,
                    borderWidth: 2,
                };
            });
            var chart = new window.Chart(canvas, {
                type: spec.kind,
                data: { labels: spec.labels, datasets: datasets },
                options: {
                    responsive: true,
                    maintainAspectRatio: false,
                    animation: false,
                    scales: {
                        y: { beginAtZero: true, max: spec.yMax === undefined ? undefined : spec.yMax,
                             ticks: { callback: function (value) { return value + suffix; } } },
                        x: { title: { display: !!spec.xTitle, text: spec.xTitle || "" } },
                    },
                    plugins: {
                        legend: { display: datasets.length > 1 },
                        tooltip: {
                            callbacks: {
                                label: function (context) {
                                    var text = context.dataset.label + ": " + context.formattedValue + suffix;
                                    var notes = context.dataset.notes;
                                    return notes && notes[context.dataIndex] ? text + " (" + notes[context.dataIndex] + ")" : text;
                                },
                            },
                        },
                    },
                },
            });
            canvas.setAttribute("data-chart-ready", "true");
            canvas.chart = chart;
        });
    }
})();
