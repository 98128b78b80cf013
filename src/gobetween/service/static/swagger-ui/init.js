// gobetween: start Swagger UI on this server's OpenAPI description; nothing from other hosts.
// /api/docs/openapi.json is /api/openapi.json with its introduction and groups in the reader's
// language (service/api_docs.py).
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/docs/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
