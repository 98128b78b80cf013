/* gobetween: times in the reader's zone, live updates by server-sent events, the points counter.
   This script holds no words: the page gives them, translated, in <body data-strings>. */
(function () {
  "use strict";
  var zone = "UTC";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
  var had = document.cookie.split("; ").indexOf("gobetween_tz=" + zone) >= 0;
  document.cookie = "gobetween_tz=" + zone + "; path=/; max-age=31536000; SameSite=Strict";

  function words() {
    try { return JSON.parse(document.body.getAttribute("data-strings") || "{}"); } catch (e) { return {}; }
  }

  function kinds() {
    try { return JSON.parse(document.body.getAttribute("data-live") || "[]"); } catch (e) { return []; }
  }

  function offset(d) {
    var minutes = -d.getTimezoneOffset();
    if (minutes === 0) { return "UTC"; }
    var abs = Math.abs(minutes), text = "UTC" + (minutes > 0 ? "+" : "-") + Math.floor(abs / 60);
    return abs % 60 ? text + ":" + String(abs % 60).padStart(2, "0") : text;
  }

  /* Before the server knows the browser's zone (first visit), show times as it will: medium date,
     short time, the UTC offset, in the page's language. */
  function localise(root) {
    if (had) { return; }
    var lang = document.documentElement.getAttribute("lang") || "en";
    var fmt;
    try { fmt = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }); } catch (e) { return; }
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var value = el.getAttribute("datetime");
      if (/^\d{4}-\d{2}-\d{2}$/.test(value)) { return; }  /* a day, not a moment: as written */
      var d = new Date(value);
      if (!isNaN(d)) { el.textContent = fmt.format(d) + " (" + offset(d) + ")"; }
    });
  }

  function points(form) {
    var total = 0;
    form.querySelectorAll("input[data-points]").forEach(function (el) { total += Number(el.value) || 0; });
    var out = form.querySelector(".points-total");
    if (out) {
      out.textContent = String(Math.round(total * 100) / 100);
      out.setAttribute("data-ok", String(Math.abs(total - 100) < 1e-6));
    }
  }

  function pair(form) {
    form.addEventListener("input", function (ev) {
      var el = ev.target;
      var twin = el.getAttribute && el.getAttribute("data-twin");
      if (twin) { var other = document.getElementById(twin); if (other) { other.value = el.value; } }
      points(form);
    });
    points(form);
  }

  function live(el) {
    var url = el.getAttribute("data-events");
    if (!url || !window.EventSource) { return; }
    var source = new EventSource(url, { withCredentials: true });
    var status = document.getElementById("live-status");
    var text = words();
    source.onopen = function () { if (status) { status.textContent = text.live_on || ""; } };
    source.onerror = function () { if (status) { status.textContent = text.live_paused || ""; } };
    /* the kinds come from the page (gobetween.live.LiveUpdate, rendered into body[data-live]) */
    kinds().forEach(function (kind) {
      source.addEventListener(kind, function () { document.body.dispatchEvent(new CustomEvent("gb-" + kind, { bubbles: true })); });
    });
  }

  /* A refused form's summary of problems (GOV.UK's error summary) takes the focus when the page
     opens, so a screen reader reads it first; its links move the focus to their field and show
     the field's label with it (the browser alone would only scroll to the field). */
  function summary() {
    var box = document.getElementById("error-summary");
    if (!box) { return; }
    box.focus();
    box.querySelectorAll("a[href^='#']").forEach(function (a) {
      a.addEventListener("click", function (ev) {
        var field = document.getElementById(a.getAttribute("href").slice(1));
        if (!field) { return; }
        ev.preventDefault();
        var label = document.querySelector("label[for='" + field.id + "']");
        (label || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localise(document);
    summary();
    document.querySelectorAll("form[data-points-form]").forEach(pair);
    document.querySelectorAll("[data-events]").forEach(live);
    /* the language switcher changes the page as soon as a language is chosen (its button stays
       for browsers without scripts) */
    document.querySelectorAll("form.language select").forEach(function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
      sel.form.classList.add("auto"); /* its button, then redundant, is left out on phones */
    });
    /* the agenda editor shows an issue's option rows or its range (from, to, step), as its kind
       says; without this script both stay shown and the server reads the one the kind names */
    document.querySelectorAll("select[data-issue-kind]").forEach(function (sel) {
      var issue = sel.closest("fieldset.issue");
      if (!issue) { return; }
      issue.classList.add("kind-shown");
      sel.addEventListener("change", function () { issue.setAttribute("data-kind", sel.value); });
    });
  });
  /* A required field left empty is named in the page's language, not the browser's: the
     message is set when the browser finds the field empty, and cleared as soon as it changes. */
  document.addEventListener("invalid", function (ev) {
    var el = ev.target, w = words();
    if (!el.validity || !el.validity.valueMissing || !el.setCustomValidity) { return; }
    var text = el.type === "checkbox" ? w.required_tick
      : (el.type === "radio" || el.tagName === "SELECT") ? w.required_choose : w.required_fill;
    if (text) { el.setCustomValidity(text); }
  }, true);
  function cleared(ev) {
    var el = ev.target;
    if (!el.setCustomValidity) { return; }
    el.setCustomValidity("");
    if (el.type === "radio" && el.form) {  /* one choice of a group answers them all */
      el.form.querySelectorAll("input[type=radio]").forEach(function (r) {
        if (r.name === el.name) { r.setCustomValidity(""); }
      });
    }
  }
  document.addEventListener("input", cleared, true);
  document.addEventListener("change", cleared, true);
  /* A live refresh replaces a part of the page; what the reader has started typing or choosing
     there (a form control with an id whose value differs from the one the server drew) is put
     back into the new part, with the focus and the caret, so an update never wipes an answer. */
  var kept = null;
  function changed(el) {
    if (el.type === "checkbox" || el.type === "radio") { return el.checked !== el.defaultChecked; }
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.type !== "hidden" && el.value !== el.defaultValue;
  }
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var target = ev.detail && ev.detail.target;
    if (!target) { return; }
    var active = document.activeElement;
    kept = { values: [], focus: null };
    target.querySelectorAll("input[id], textarea[id], select[id]").forEach(function (el) {
      if (changed(el)) { kept.values.push({ id: el.id, value: el.value, checked: el.checked }); }
    });
    if (active && active.id && target.contains(active)) {
      kept.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
    }
  });
  document.addEventListener("htmx:afterSwap", function (ev) {
    localise(ev.target);
    if (!kept) { return; }
    var was = kept;
    kept = null;
    was.values.forEach(function (v) {
      var el = document.getElementById(v.id);
      if (!el || el.disabled) { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = v.checked; } else { el.value = v.value; }
    });
    var f = was.focus && document.getElementById(was.focus.id);
    if (f && !f.disabled) {
      f.focus();
      try { if (was.focus.start !== null) { f.setSelectionRange(was.focus.start, was.focus.end); } } catch (e) { /* no caret */ }
    }
  });
}());
