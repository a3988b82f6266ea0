// A little plain JavaScript where it truly helps; every page works without it.
"use strict";

// openAndFocus shows the field with id (unfolding its group) and puts the cursor in it.
function openAndFocus(id) {
	var field = document.getElementById(id);
	if (!field) {
		return false;
	}
	var group = field.closest("details");
	if (group) {
		group.open = true;
	}
	field.focus();
	var label = document.querySelector("label[for='" + CSS.escape(id) + "']") || field.closest("fieldset");
	(label || field).scrollIntoView({ block: "start" });
	return true;
}

document.addEventListener("click", function (ev) {
	// A link in an error summary goes to its field and focuses it, even in a folded group.
	var jump = ev.target.closest("#problems a[href^='#']");
	if (jump && openAndFocus(jump.getAttribute("href").slice(1))) {
		ev.preventDefault();
		return;
	}

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
	// On a phone the listing form's groups start folded, except one with a problem, so the
	// form is a short list of what to check rather than many screens of fields.
	if (window.matchMedia("(max-width: 40rem)").matches) {
		document.querySelectorAll("details.group:not([data-keep-open])").forEach(function (d) { d.open = false; });
	}
	// Hide copy buttons when the clipboard cannot be used.
	if (!navigator.clipboard) {
		document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = true; });
	}
});
