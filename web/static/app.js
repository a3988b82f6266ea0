// A little plain JavaScript where it truly helps; every page works without it.
"use strict";

document.addEventListener("click", function (ev) {
	// Copy buttons next to set-password links: on a phone, selecting a long link is fiddly.
	var copy = ev.target.closest("[data-copy]");
	if (copy && navigator.clipboard) {
		var source = document.getElementById(copy.getAttribute("data-copy"));
		navigator.clipboard.writeText(source.textContent.trim()).then(function () {
			copy.textContent = copy.getAttribute("data-copied");
		});
	}
});

document.addEventListener("submit", function (ev) {
	// Ask before changes that are hard to undo by mistake (deactivate, revert, sign-out of others).
	var msg = ev.target.getAttribute("data-confirm");
	if (msg && !window.confirm(msg)) {
		ev.preventDefault();
	}
});

document.addEventListener("DOMContentLoaded", function () {
	// After a form error, move focus to the summary so screen readers hear it first.
	var summary = document.getElementById("problems");
	if (summary) {
		summary.focus();
	}
	// Hide copy buttons when the clipboard cannot be used.
	if (!navigator.clipboard) {
		document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = true; });
	}
});
