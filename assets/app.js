/* wenming — progressive enhancements only. Every page works without this
 * file: navigation is a CSS checkbox toggle, confirmations are their own
 * pages. Loaded with <script src="/static/app.js" defer>; no inline code,
 * no dependencies, nothing global. */
(function () {
	"use strict";
	var doc = document;
	doc.documentElement.classList.add("js");

	/* After a refused form, focus goes to the summary of what was wrong, so a
	 * screen reader reads it and Tab continues into the form. */
	var summary = doc.querySelector(".form-errors");
	if (summary) {
		if (!summary.hasAttribute("tabindex"))
			summary.setAttribute("tabindex", "-1");
		summary.focus();
	}

	/* Escape closes the phone menu and returns focus to its toggle. */
	doc.addEventListener("keydown", function (e) {
		var t = doc.getElementById("nav-toggle");
		if (e.key === "Escape" && t && t.checked) {
			t.checked = false;
			t.focus();
		}
	});

	/* Following a link inside the phone menu closes it (for bfcache returns). */
	doc.addEventListener("click", function (e) {
		var t = doc.getElementById("nav-toggle");
		if (t && t.checked && e.target.closest && e.target.closest(".sidenav a"))
			t.checked = false;
	});

	/* A POST form is sent once: a second click while the first request is
	 * under way is ignored. The button is not disabled, so its name/value
	 * (e.g. lang=zh-Hans) still goes with the first submission. A form that
	 * stays on the page (a download) opts out with data-multi. */
	doc.addEventListener("submit", function (e) {
		var f = e.target;
		if ((f.getAttribute("method") || "").toLowerCase() !== "post" ||
		    f.hasAttribute("data-multi"))
			return;
		if (f.hasAttribute("data-sent")) {
			e.preventDefault();
			return;
		}
		f.setAttribute("data-sent", "");
		f.setAttribute("aria-busy", "true");
	});

	/* A unit picker's search box (records/unit_picker.c): the select holds
	 * the units near the chosen one; typing asks the units API for any unit
	 * by code or name, in either script, and lists the matches in it. */
	function unitFind(input) {
		var select = doc.getElementById(input.getAttribute("data-for"));
		var timer = 0, asked = "";
		if (!select)
			return;
		input.hidden = false;
		input.addEventListener("input", function () {
			clearTimeout(timer);
			timer = setTimeout(function () {
				var q = input.value.trim();
				if (q === asked || q.length < 1)
					return;
				asked = q;
				fetch("/api/v1/units?per_page=30&sort=code&q=" + encodeURIComponent(q), {
					credentials: "same-origin", headers: { Accept: "application/json" }
				}).then(function (res) { return res.ok ? res.json() : null; }).then(function (j) {
					if (!j || q !== asked)
						return;
					var keep = select.value;
					var kept = select.selectedIndex > 0 ? select.options[select.selectedIndex] : null;
					while (select.options.length > 1)
						select.remove(1);
					/* the chosen unit stays chosen, found or not */
					if (kept && !j.data.some(function (u) { return String(u.id) === keep; }))
						select.add(kept);
					j.data.forEach(function (u) {
						var o = doc.createElement("option");
						o.value = String(u.id);
						o.textContent = u.code + " " + u.name;
						o.selected = o.value === keep;
						select.add(o);
					});
					if (j.data.length === 1)
						select.value = String(j.data[0].id);
				});
			}, 250);
		});
	}
	var finds = doc.querySelectorAll(".unit-find[data-for]");
	for (var i = 0; i < finds.length; i++)
		unitFind(finds[i]);

	/* A template picker fills the text area it names (data-fill): a reply
	 * template on a case's answer form. A text already written is replaced
	 * only when the user agrees. */
	var fills = doc.querySelectorAll("select[data-fill]");
	for (var f = 0; f < fills.length; f++) {
		fills[f].hidden = false;
		fills[f].addEventListener("change", function (e) {
			var sel = e.target, area = doc.getElementById(sel.getAttribute("data-fill"));
			var text = sel.value;
			if (!area || !text)
				return;
			if (area.value.trim() && area.value !== text && !window.confirm(sel.getAttribute("data-confirm") || ""))
				return;
			area.value = text;
			area.focus();
		});
	}

	/* Suggestions while a form is filled in (data-suggest: the URL asked
	 * with the form's category_id, title, description and address;
	 * data-suggest-into: the list the answers go in): similar open cases
	 * on the case entry forms. */
	function suggest(form) {
		var into = doc.getElementById(form.getAttribute("data-suggest-into"));
		var timer = 0, asked = "";
		if (!into)
			return;
		function ask() {
			var q = ["category_id", "title", "description", "address"].map(function (n) {
				var el = form.elements[n];
				return n + "=" + encodeURIComponent(el ? el.value : "");
			}).join("&");
			if (q === asked)
				return;
			asked = q;
			fetch(form.getAttribute("data-suggest") + "?" + q, {
				credentials: "same-origin", headers: { Accept: "application/json" }
			}).then(function (res) { return res.ok ? res.json() : null; }).then(function (j) {
				if (!j || q !== asked)
					return;
				while (into.firstChild)
					into.removeChild(into.firstChild);
				j.data.forEach(function (c) {
					var li = doc.createElement("li"), a = doc.createElement("a"), s = doc.createElement("span");
					a.href = c.url;
					a.textContent = c.number + " " + c.title;
					s.className = "muted";
					s.textContent = " " + c.state;
					li.appendChild(a);
					li.appendChild(s);
					into.appendChild(li);
				});
			});
		}
		form.addEventListener("input", function () {
			clearTimeout(timer);
			timer = setTimeout(ask, 400);
		});
		form.addEventListener("change", ask);
	}
	var sugg = doc.querySelectorAll("form[data-suggest]");
	for (var g = 0; g < sugg.length; g++)
		suggest(sugg[g]);

	/* The public portal (cases/portal.c). "Use my location" fills the
	 * latitude and longitude boxes from the browser's position; the button
	 * stays hidden where there is no geolocation, and the boxes work typed. */
	var geo = doc.querySelector("button[data-geo]");
	if (geo && navigator.geolocation) {
		geo.hidden = false;
		geo.addEventListener("click", function () {
			var status = doc.getElementById(geo.getAttribute("data-status"));
			var say = function (k) { if (status) status.textContent = geo.getAttribute(k) || ""; };
			say("data-wait");
			navigator.geolocation.getCurrentPosition(function (p) {
				doc.getElementById(geo.getAttribute("data-lat")).value = p.coords.latitude.toFixed(6);
				doc.getElementById(geo.getAttribute("data-lon")).value = p.coords.longitude.toFixed(6);
				say("data-done");
			}, function () { say("data-fail"); }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
		});
	}

	/* A category chooser: the chosen category's own fields come from the
	 * server (GET url?category=ID) into the box data-refill names, without
	 * losing what was typed elsewhere. Without the script a button asks
	 * the server for the same. */
	var refill = doc.querySelectorAll("select[data-refill]");
	for (i = 0; i < refill.length; i++)
		refill[i].addEventListener("change", function (e) {
			var sel = e.target, box = doc.getElementById(sel.getAttribute("data-refill"));
			if (!box)
				return;
			fetch(sel.getAttribute("data-refill-url") + "?category=" + encodeURIComponent(sel.value), {
				credentials: "same-origin"
			}).then(function (res) { return res.ok ? res.text() : null; }).then(function (text) {
				if (text === null)
					return;
				var got = new DOMParser().parseFromString(text, "text/html").getElementById(box.id);
				if (got)
					box.innerHTML = got.innerHTML;
			});
		});

	/* Copy buttons: the text of the element data-copy names. */
	var copies = doc.querySelectorAll("button[data-copy]");
	for (i = 0; i < copies.length; i++) {
		if (!navigator.clipboard)
			break;
		copies[i].hidden = false;
		copies[i].addEventListener("click", function (e) {
			var b = e.currentTarget, el = doc.getElementById(b.getAttribute("data-copy"));
			if (el)
				navigator.clipboard.writeText(el.textContent.trim()).then(function () {
					b.textContent = b.getAttribute("data-done");
				});
		});
	}

	/* Coming back with the Back button must not leave forms locked. */
	window.addEventListener("pageshow", function () {
		var sent = doc.querySelectorAll("form[data-sent]");
		for (var i = 0; i < sent.length; i++) {
			sent[i].removeAttribute("data-sent");
			sent[i].removeAttribute("aria-busy");
		}
	});
})();
