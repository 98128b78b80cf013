/* gobetween: signing keys made and kept in the browser (WebCrypto Ed25519, IndexedDB).

   Making a key: an Ed25519 pair is generated; its private half is exported once (PKCS#8) only to
   write the passphrase-encrypted backup file (PBKDF2-SHA-256, 600,000 rounds -> AES-256-GCM),
   which the browser downloads; it is then imported again as a NON-EXTRACTABLE key and kept in
   IndexedDB, so no script can read it back. Only the public key (SPKI PEM) goes to the server.
   Restoring reads a backup file, decrypts it with the passphrase and keeps the key the same way.
   Signing asks the server for the exact bytes to sign and posts only the signature.
   The words shown come from the page (body data-strings, web.render.js_strings), translated. */
(function () {
  "use strict";
  var DB = "gobetween-keys", STORE = "keys", ROUNDS = 600000;
  var BACKUP_FORMAT = "gobetween-key-backup-v1";

  function msg(name, values) {
    var all = JSON.parse(document.body.getAttribute("data-strings") || "{}");
    var text = all["keys_" + name] || name;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }
  function bytes(b64) { return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); }); }
  function b64(buf) { var s = ""; new Uint8Array(buf).forEach(function (b) { s += String.fromCharCode(b); }); return btoa(s); }
  function hex(buf) { return Array.from(new Uint8Array(buf)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join(""); }
  function pem(label, der) {
    var body = b64(der).replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
  function unpem(text) { return bytes(text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "")); }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "fingerprint" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  async function withStore(mode, work) {
    var db = await openDb();
    return new Promise(function (resolve, reject) {
      var tx = db.transaction(STORE, mode), result;
      var req = work(tx.objectStore(STORE));
      req.onsuccess = function () { result = req.result; };
      tx.oncomplete = function () { db.close(); resolve(result); };
      tx.onerror = function () { db.close(); reject(tx.error); };
    });
  }
  function keep(entry) { return withStore("readwrite", function (s) { return s.put(entry); }); }
  function forget(fp) { return withStore("readwrite", function (s) { return s.delete(fp); }); }
  function lookup(fp) { return withStore("readonly", function (s) { return s.get(fp); }); }
  function allKept() { return withStore("readonly", function (s) { return s.getAll(); }); }

  async function fingerprintOf(publicKey) {
    return hex(await crypto.subtle.digest("SHA-256", await crypto.subtle.exportKey("raw", publicKey)));
  }
  async function wrappingKey(passphrase, salt) {
    var base = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: ROUNDS },
      base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }
  function checkPassphrase(form) {
    var first = form.querySelector("input[name=passphrase]").value;
    var again = form.querySelector("input[name=passphrase2]");
    if (first.length < 10) { throw new Error(msg("short")); }
    if (again && again.value !== first) { throw new Error(msg("mismatch")); }
    return first;
  }

  async function backup(pkcs8, meta, passphrase) {
    var salt = crypto.getRandomValues(new Uint8Array(16)), iv = crypto.getRandomValues(new Uint8Array(12));
    var sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv }, await wrappingKey(passphrase, salt), pkcs8);
    return JSON.stringify({
      format: BACKUP_FORMAT, organisation: meta.organisation, organisation_id: meta.organisationId,
      fingerprint: meta.fingerprint, public_key_pem: meta.publicPem, created: meta.created,
      kdf: { name: "PBKDF2", hash: "SHA-256", iterations: ROUNDS, salt: b64(salt) },
      cipher: { name: "AES-GCM", iv: b64(iv) }, ciphertext: b64(sealed)
    }, null, 2);
  }

  async function post(url, csrf, body) {
    var r = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(body)
    });
    var data = await r.json().catch(function () { return {}; });
    if (!r.ok) { throw new Error(data.detail || ("HTTP " + r.status)); }
    return data;
  }

  async function makeKey(form) {
    var passphrase = checkPassphrase(form);
    var status = form.querySelector(".key-status");
    var orgId = form.getAttribute("data-organisation-id"), org = form.getAttribute("data-organisation");
    status.textContent = msg("making");
    var pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
    var pkcs8 = await crypto.subtle.exportKey("pkcs8", pair.privateKey);
    var meta = {
      organisation: org, organisationId: Number(orgId), fingerprint: await fingerprintOf(pair.publicKey),
      publicPem: pem("PUBLIC KEY", await crypto.subtle.exportKey("spki", pair.publicKey)),
      created: new Date().toISOString()
    };
    var sealed = await backup(pkcs8, meta, passphrase);
    var kept = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    await keep({ fingerprint: meta.fingerprint, organisation: org, organisationId: meta.organisationId,
      publicPem: meta.publicPem, created: meta.created, privateKey: kept });
    try {
      await post("/api/organisations/" + orgId + "/keys", form.getAttribute("data-csrf"),
        { public_key_pem: meta.publicPem, origin: "browser" });
    } catch (err) { await forget(meta.fingerprint); throw err; }
    // The backup is offered as a link the holder clicks (and keeps until they continue).
    var link = form.querySelector("a.backup-link");
    link.href = URL.createObjectURL(new Blob([sealed], { type: "application/json" }));
    link.download = "gobetween-key-" + meta.fingerprint.slice(0, 16) + ".json";
    form.querySelector(".key-fields").hidden = true;
    form.querySelector(".key-after").hidden = false;
    status.textContent = msg("made");
  }

  async function restoreKey(form) {
    var status = form.querySelector(".key-status");
    var file = form.querySelector("input[type=file]").files[0];
    if (!file) { throw new Error(msg("nofile")); }
    var data;
    try { data = JSON.parse(await file.text()); } catch (e) { throw new Error(msg("notbackup")); }
    if (!data || data.format !== BACKUP_FORMAT) { throw new Error(msg("notbackup")); }
    status.textContent = msg("restoring");
    var passphrase = form.querySelector("input[name=passphrase]").value, pkcs8;
    try {
      var wrap = await wrappingKey(passphrase, bytes(data.kdf.salt));
      pkcs8 = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes(data.cipher.iv) }, wrap, bytes(data.ciphertext));
    } catch (e) { throw new Error(msg("wrongpass")); }
    var key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
    var pub = await crypto.subtle.importKey("spki", unpem(data.public_key_pem), { name: "Ed25519" }, true, ["verify"]);
    var probe = new TextEncoder().encode("gobetween key restore check");
    var ok = await crypto.subtle.verify({ name: "Ed25519" }, pub, await crypto.subtle.sign({ name: "Ed25519" }, key, probe), probe);
    if (!ok || await fingerprintOf(pub) !== data.fingerprint) { throw new Error(msg("damaged")); }
    await keep({ fingerprint: data.fingerprint, organisation: data.organisation, organisationId: data.organisation_id,
      publicPem: data.public_key_pem, created: data.created, privateKey: key });
    window.location.assign(window.location.pathname + "?done=key-restored");
  }

  async function signHere(form) {
    var status = form.querySelector(".sign-status");
    var api = "/api/agreements/" + form.getAttribute("data-agreement");
    var pairs = JSON.parse(form.getAttribute("data-pairs"));
    for (var i = 0; i < pairs.length; i++) {
      var party = pairs[i][0], signer = pairs[i][1];
      status.textContent = msg("signing", { party: party });
      var q = "?party=" + encodeURIComponent(party) + "&signer=" + encodeURIComponent(signer);
      var r = await fetch(api + "/signing-request" + q, { credentials: "same-origin" });
      var req = await r.json();
      if (!r.ok) { throw new Error(req.detail || ("HTTP " + r.status)); }
      var entry = req.key_fingerprint ? await lookup(req.key_fingerprint) : null;
      if (!entry) {  // not the newest key: any key of this organisation kept here (the server
        // accepts it if it is registered and not revoked)
        entry = (await allKept()).filter(function (e) { return e.organisation === signer; }).pop() || null;
      }
      if (!entry) { throw new Error(msg("nokey", { org: signer })); }
      var value = await crypto.subtle.sign({ name: "Ed25519" }, entry.privateKey, bytes(req.message));
      await post(api + "/signatures", form.getAttribute("data-csrf"), {
        party: party, signer: signer,
        signature: { format: "gobetween-signature-v1", algorithm: "Ed25519", instrument_party: party,
          signer: signer, instrument_hash: req.instrument_hash, key_fingerprint: entry.fingerprint, signature: b64(value) }
      });
    }
    window.location.assign(window.location.pathname + "?done=signed");
  }

  async function markKept() {
    var kept = await allKept();
    kept.forEach(function (entry) {
      document.querySelectorAll("[data-fingerprint='" + entry.fingerprint + "']").forEach(function (node) {
        node.setAttribute("data-here", "true");
        var badge = node.querySelector(".here");
        if (badge) { badge.hidden = false; }
      });
    });
  }

  function wire(selector, work, statusClass) {
    document.querySelectorAll(selector).forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var status = form.querySelector(statusClass);
        work(form).catch(function (err) { status.textContent = msg("failed", { reason: err.message }); });
      });
    });
  }
  if (!window.crypto || !crypto.subtle || !window.indexedDB) {
    document.querySelectorAll(".needs-webcrypto").forEach(function (n) { n.hidden = true; });
    return;
  }
  wire("form.key-new-form", makeKey, ".key-status");
  wire("form.key-restore-form", restoreKey, ".key-status");
  wire("form.browser-sign-form", signHere, ".sign-status");
  markKept().catch(function () { /* a browser without storage shows no badges */ });
})();
