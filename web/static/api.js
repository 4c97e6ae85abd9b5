// The API reference: Swagger UI, built in from npm, on the OpenAPI document the page names.
// Nothing is fetched from elsewhere: the validator badge, which would ask a public service,
// is off.
const el = document.getElementById('api');
window.ui = window.SwaggerUIBundle({
	url: el.dataset.openapi,
	domNode: el,
	deepLinking: true,
	validatorUrl: null,
	presets: [window.SwaggerUIBundle.presets.apis],
	layout: 'BaseLayout',
});
