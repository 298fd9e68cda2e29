// Small progressive enhancements; every page works without this file.
(function () {
    "use strict";

    // Times are rendered in UTC; a tooltip gives the reader's local time too.
    document.querySelectorAll("time[datetime]").forEach(function (el) {
        var when = new Date(el.getAttribute("datetime"));
        if (!isNaN(when.getTime()) && !el.title) {
            el.title = "Your local time: " + when.toLocaleString();
        }
    });

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
})();
