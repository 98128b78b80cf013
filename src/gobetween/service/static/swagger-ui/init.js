// gobetween: start Swagger UI on this server's OpenAPI description; nothing from other hosts.
// /api/docs/openapi.json is /api/openapi.json with its introduction, groups and operations in
// the reader's language (service/api_docs.py). Swagger UI has no translations of its own words:
// the page gives them (#swagger-ui[data-words], English -> the reader's language) and they are
// put in place as Swagger UI draws, in texts and in placeholders, titles and labels.
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  var words = {};
  try { words = JSON.parse(root.getAttribute("data-words") || "{}"); } catch (e) { words = {}; }
  var ATTRIBUTES = ["placeholder", "title", "aria-label"];

  function swap(text) {
    var bare = text.trim();
    if (!bare || !Object.prototype.hasOwnProperty.call(words, bare)) { return null; }
    return text.replace(bare, words[bare]);
  }

  function translate(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      var local = swap(node.nodeValue);
      if (local !== null && local !== node.nodeValue) { node.nodeValue = local; }
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) { return; }
    ATTRIBUTES.forEach(function (name) {
      var value = node.getAttribute(name);
      var local = value && swap(value);
      if (local && local !== value) { node.setAttribute(name, local); }
    });
    node.childNodes.forEach(translate);
  }

  if (Object.keys(words).length) {
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "characterData" || change.type === "attributes") {
          translate(change.target);
        } else {
          change.addedNodes.forEach(translate);
        }
      });
    }).observe(root, {
      childList: true, subtree: true, characterData: true,
      attributes: true, attributeFilter: ATTRIBUTES,
    });
  }

  window.ui = SwaggerUIBundle({
    url: "/api/docs/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
