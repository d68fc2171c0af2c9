"""/api/schema/ (OpenAPI 3 by drf-spectacular) and /api/docs/ (Swagger UI
from our own static files), and the API checked against its own schema by
schemathesis."""

import re
import warnings
from datetime import timedelta

import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

PATHS = {
    "/api/articles/",
    "/api/articles/{id}/",
    "/api/ninjs/",
    "/api/ninjs/{id}/",
    "/api/organizations/",
    "/api/organizations/{slug}/",
}


def test_the_schema_is_generated_without_warnings_and_is_valid_openapi_3():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema = SchemaGenerator().get_schema(request=None, public=True)

    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_the_schema_is_served_and_lists_every_read_address(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert set(schema["paths"]) == PATHS
    assert all(list(operations) == ["get"] for operations in schema["paths"].values())
    assert client.get("/api/schema/?format=json").json()["paths"].keys() == PATHS


def test_the_schema_documents_the_filters_and_the_400(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/articles/"]["get"]

    names = {parameter["name"] for parameter in operation["parameters"]}
    assert names == {
        "organization",
        "date_from",
        "date_to",
        "q",
        "language",
        "cursor",
        "limit",
    }
    assert set(operation["responses"]) == {"200", "400", "429"}


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    )
    assert all(asset.startswith("/") for asset in assets), assets
    # Nothing inline: the content security policy would block it.
    assert "<style" not in html
    assert re.findall(r"<script>", html) == []


def test_the_docs_pages_start_up_script_is_served_as_javascript(client):
    response = client.get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()


# --- schemathesis ---------------------------------------------------------------


@pytest.fixture
def wsgi_application():
    """Django's WSGI application, keeping the test's database connection
    open between requests as Django's test client does (the test's
    transaction lives on it)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(
    wsgi_application, settings, make_article, make_organization, image_upload, now
):
    """The API's own schema, loaded from /api/schema/ through WSGI, with a
    few stories and sources for the generated requests to find."""
    settings.NEWSROOM_API_RATE = "100000/min"
    settings.NEWSROOM_SHARED_CACHE_SECONDS = 0
    sco_rats = make_organization(
        slug="sco-rats", website="https://ecrats.org/", logo=image_upload("logo.png")
    )
    make_article(
        dateline="Almaty",
        source_url="https://belta.by/1",
        hero_image=image_upload("hero.png"),
        hero_alt_text="A view",
    )
    make_article(organization=sco_rats, lead="", language="ru")
    make_article(expires_at=now + timedelta(days=3), byline="A. Writer")
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_application)


# Answers must keep to the schema. Not checked: that every request the
# schema allows is accepted (an unknown organization slug is a string the
# schema allows, and a 400 as on /news/) and that every request it does not
# allow is refused (`limit=101` is more than we serve, and served as 100).
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


# Requests the schema allows, for every address; and requests it does not
# allow, where there are query parameters to get wrong (a path parameter
# that is not a valid one is not a request to the same address).
CASES = [(path, GenerationMode.POSITIVE) for path in sorted(PATHS)] + [
    (path, GenerationMode.NEGATIVE) for path in ("/api/articles/", "/api/ninjs/")
]


# schemathesis's own pytest plugin (schema.parametrize) does not run under
# pytest 9, so each operation's cases are drawn with Hypothesis directly.
@pytest.mark.parametrize(("path", "mode"), CASES)
def test_the_api_keeps_to_its_schema_and_never_fails(
    api_schema, ninjs_validator, path, mode
):
    operation = api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def keeps_to_its_schema(case):
        response = case.call_and_validate(checks=CHECKS)
        if path.startswith("/api/ninjs/") and response.status_code == 200:
            answer = response.json()
            for item in answer if isinstance(answer, list) else [answer]:
                assert list(ninjs_validator.iter_errors(item)) == []

    keeps_to_its_schema()
