/* gobetween: times in the reader's zone, live updates by server-sent events, the points counter. */
(function () {
  "use strict";
  var zone = "UTC";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { /* keep UTC */ }
  var had = document.cookie.split("; ").indexOf("gobetween_tz=" + zone) >= 0;
  document.cookie = "gobetween_tz=" + zone + "; path=/; max-age=31536000; SameSite=Strict";

  function localise(root) {
    if (had) { return; }
    var fmt = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
    root.querySelectorAll("time[datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) { el.textContent = fmt.format(d); }
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
    source.onopen = function () { if (status) { status.textContent = "Live updates on."; } };
    source.onerror = function () { if (status) { status.textContent = "Live updates paused; reconnecting."; } };
    ["message", "text", "answer", "ready", "offer", "offer_status", "offer_received", "preferences"].forEach(function (kind) {
      source.addEventListener(kind, function () { document.body.dispatchEvent(new CustomEvent("gb-" + kind, { bubbles: true })); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    localise(document);
    document.querySelectorAll("form[data-points-form]").forEach(pair);
    document.querySelectorAll("[data-events]").forEach(live);
  });
  document.addEventListener("htmx:afterSwap", function (ev) { localise(ev.target); });
}());
