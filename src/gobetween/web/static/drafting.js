/* gobetween: the drafting form. Changing an option replaces its article's wording (after a
   confirmation when the wording was edited) and re-scores the package for every party at once
   (one POST /api/tracks/{id}/scores per change). The words shown come from the page. */
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var words = JSON.parse(form.getAttribute("data-words") || "{}");
  var csrf = form.querySelector("input[name=csrf_token]").value;

  function prepared(select) { return JSON.parse(select.getAttribute("data-prepared") || "{}"); }
  function norm(text) { return (text || "").replace(/\s+/g, " ").trim(); }
  /* an option as the reader calls it: its entry's words in the select */
  function called(select, name) {
    for (var i = 0; i < select.options.length; i++) { if (select.options[i].value === name) { return select.options[i].textContent; } }
    return name;
  }

  function showOwner(select) {
    var area = document.getElementById(select.getAttribute("data-clause"));
    var owner = document.getElementById("owner-" + select.id.slice(4));
    var table = prepared(select), found = null;
    Object.keys(table).forEach(function (name) { if (norm(table[name]) === norm(area.value)) { found = name; } });
    owner.setAttribute("data-owner", found || "");
    owner.textContent = found ? owner.getAttribute("data-belongs") + " " + called(select, found) : owner.getAttribute("data-edited");
    owner.classList.toggle("reject", found !== null && found !== select.value);
  }

  function packageOf() {
    var pkg = {};
    form.querySelectorAll("select[data-prepared]").forEach(function (s) { pkg[s.name.slice(4)] = s.value; });
    return pkg;
  }

  function pct(x) { return Math.round(100 * x); }

  async function rescore() {
    var started = performance.now();
    var r = await fetch(form.getAttribute("data-scores"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ package: packageOf() })
    });
    if (!r.ok) { return; }
    var body = await r.json();
    var list = document.getElementById("scores");
    if (!list) { return; }
    list.textContent = "";
    body.scores.forEach(function (s) {
      var li = document.createElement("li");
      li.setAttribute("data-party", s.party);
      var strong = document.createElement("strong");
      strong.textContent = pct(s.utility);
      var name = document.createElement("bdi");  // the party's name keeps its own direction
      name.textContent = s.party;
      li.append(name, ": ", strong, " (" + words.reservation + " " + pct(s.reservation) + ")");
      if (s.crosses_red_line || s.below_reservation) {
        var tag = document.createElement("span");
        tag.className = s.crosses_red_line ? "reject" : "amend";
        tag.textContent = " " + (s.crosses_red_line ? words.red : words.below);
        li.append(tag);
      }
      list.append(li);
    });
    list.setAttribute("data-package", JSON.stringify(packageOf()));
    list.setAttribute("data-ms", String(Math.round(performance.now() - started)));
  }

  /* A bracketed alternative's wording says, as it is typed, which option it belongs to. */
  form.querySelectorAll("div.alternative").forEach(function (box) {
    var area = box.querySelector("textarea"), owner = box.querySelector("p.owner");
    var select = box.closest("fieldset").querySelector("select[data-prepared]");
    var belongs = document.getElementById("owner-" + select.id.slice(4));
    area.addEventListener("input", function () {
      var table = prepared(select), found = null;
      Object.keys(table).forEach(function (name) { if (norm(table[name]) === norm(area.value)) { found = name; } });
      owner.setAttribute("data-owner", found || "");
      owner.textContent = found ? belongs.getAttribute("data-belongs") + " " + called(select, found) : belongs.getAttribute("data-edited");
      owner.classList.toggle("reject", found !== null && found !== box.getAttribute("data-option"));
    });
  });

  /* Taking an option out of the brackets drops the wording written for it: ask first. */
  form.querySelectorAll("select[multiple][data-confirm]").forEach(function (select) {
    function chosen() { return Array.from(select.selectedOptions).map(function (o) { return o.value; }); }
    var previous = chosen();
    select.addEventListener("change", function () {
      var now = chosen();
      var edited = Array.from(select.closest("fieldset").querySelectorAll("div.alternative textarea")).some(function (t) {
        return now.indexOf(t.getAttribute("data-option")) < 0 && norm(t.value) !== norm(t.getAttribute("data-prepared"));
      });
      if (edited && !window.confirm(select.getAttribute("data-confirm"))) {
        Array.from(select.options).forEach(function (o) { o.selected = previous.indexOf(o.value) >= 0; });
        return;
      }
      previous = now;
    });
  });

  form.querySelectorAll("select[data-prepared]").forEach(function (select) {
    select.setAttribute("data-previous", select.value);
    var area = document.getElementById(select.getAttribute("data-clause"));
    area.addEventListener("input", function () { showOwner(select); });
    select.addEventListener("change", function () {
      var table = prepared(select), before = select.getAttribute("data-previous");
      var all = JSON.parse(select.getAttribute("data-languages") || "{}");
      var translations = select.closest("fieldset").querySelectorAll("textarea.translation");
      function differs(text, was) { return norm(text) !== "" && norm(text) !== norm(was); }
      /* edited: the first language's wording or any other language's differs from what the
         option before put there; all of them are replaced, so ask first */
      var edited = differs(area.value, table[before]) || Array.from(translations).some(function (t) {
        return differs(t.value, (all[before] || {})[t.getAttribute("data-language")]);
      });
      if (edited && !window.confirm(select.getAttribute("data-confirm"))) {
        select.value = before;
        return;
      }
      area.value = table[select.value] || "";
      var languages = all[select.value] || {};
      translations.forEach(function (t) {
        t.value = languages[t.getAttribute("data-language")] || "";
      });
      select.setAttribute("data-previous", select.value);
      showOwner(select);
      rescore();
    });
  });
})();
