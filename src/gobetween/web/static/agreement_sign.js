/* gobetween: sign instruments in the browser. The PKCS#8 key file is read here, imported with
   WebCrypto (Ed25519) and never sent; only the signature of the server's signing message is.
   Its words come translated from the page (<body data-strings>, see web/render.py). */
(function () {
  "use strict";
  var text = {};
  try { text = JSON.parse(document.body.getAttribute("data-strings") || "{}"); } catch (e) { /* no words */ }
  function say(key, values) {
    return (text[key] || "").replace(/\{(\w+)\}/g, function (m, name) { return values && name in values ? values[name] : m; });
  }
  function bytes(b64) { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }); }
  function b64(buf) { var s = ""; new Uint8Array(buf).forEach(function (b) { s += String.fromCharCode(b); }); return btoa(s); }

  async function importKey(file) {
    var pem = await file.text();
    if (pem.indexOf("ENCRYPTED") >= 0) {
      throw new Error(say("sign_passphrase"));
    }
    if (pem.indexOf("BEGIN PRIVATE KEY") < 0) { throw new Error(say("sign_not_pkcs8")); }
    var der = bytes(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""));
    return crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
  }

  async function sign(form) {
    var status = form.querySelector(".sign-status");
    var api = "/api/agreements/" + form.getAttribute("data-agreement");
    var pairs = JSON.parse(form.getAttribute("data-pairs"));
    var key = await importKey(form.querySelector("input[type=file]").files[0]);
    for (var i = 0; i < pairs.length; i++) {
      var party = pairs[i][0], signer = pairs[i][1];
      status.textContent = say("keys_signing", { party: party });
      var q = "?party=" + encodeURIComponent(party) + "&signer=" + encodeURIComponent(signer);
      var req = await (await fetch(api + "/signing-request" + q, { credentials: "same-origin" })).json();
      var value = await crypto.subtle.sign({ name: "Ed25519" }, key, bytes(req.message));
      var r = await fetch(api + "/signatures", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": form.getAttribute("data-csrf") },
        body: JSON.stringify({ party: party, signer: signer, signature: b64(value) })
      });
      if (!r.ok) { throw new Error((await r.json()).detail || ("HTTP " + r.status)); }
    }
    window.location.assign(window.location.pathname + "?done=signed");
  }

  document.querySelectorAll("form.sign-form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      sign(form).catch(function (err) {
        form.querySelector(".sign-status").textContent = say("sign_failed", { reason: err.message });
      });
    });
  });
})();
