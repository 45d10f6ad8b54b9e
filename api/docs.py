"""The API's reference page, with Swagger UI served from its Python package.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script; the
Content-Security-Policy (`default-src 'self'`) blocks both, so the page stays blank. Here the
assets come from the `swagger-ui-py` package (Swagger UI 5, which reads OpenAPI 3.1) under
`/static/swagger-ui`, and the start-up script is a file of ours.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/static/swagger-ui"

router = APIRouter(include_in_schema=False)

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Oncology record intake: API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<link rel="stylesheet" href="/static/swagger-overrides.css">
<style>.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
clip-path: inset(50%); white-space: nowrap; }}</style>
</head>
<body>
<main><h1 class="visually-hidden">API reference</h1><div id="swagger-ui"></div></main>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-start.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_reference() -> HTMLResponse:
    return HTMLResponse(_PAGE)


def mount_assets(app: FastAPI) -> None:
    """Serve Swagger UI's files; call before mounting `/static`, which would hide them."""
    folder = files("swagger_ui") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(folder)), name="swagger-ui")
