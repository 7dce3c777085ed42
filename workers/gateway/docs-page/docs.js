// Swagger UI over the gateway's own OpenAPI document (GET /openapi.json, next to /docs/).
// "Try it out" calls the gateway that served the page (the document's server is "/").
window.ui = SwaggerUIBundle({
  url: new URL("../openapi.json", document.baseURI).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  // Never send the document to validator.swagger.io: the page makes no third-party requests.
  validatorUrl: null,
  displayRequestDuration: true,
  defaultModelsExpandDepth: 0,
});
