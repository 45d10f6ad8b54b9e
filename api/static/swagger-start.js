// Start Swagger UI on the API's schema (a file, since the security policy allows no inline script).
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
