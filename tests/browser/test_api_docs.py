"""/api/docs/ in a real browser: Swagger UI from our own static files runs
under the content security policy with nothing blocked."""

from .test_pages_under_csp import LISTEN_FOR_VIOLATIONS, violations


def test_the_api_docs_render_every_operation_with_nothing_blocked(
    page, live_server, make_article
):
    make_article()
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    response = page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)

    assert response.status == 200
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert {path.strip() for path in paths} >= {"/api/articles/", "/api/ninjs/"}
    assert violations(page) == []
    assert page.console_errors == []
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_the_api_docs_can_try_a_request(page, live_server, make_article):
    article = make_article(title="Forum in Almaty")
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    page.goto(f"{live_server.url}/api/docs/#/articles/articles_retrieve")
    operation = page.locator("#operations-articles-articles_retrieve")
    operation.locator(".try-out__btn").click()
    operation.locator("input[placeholder=id]").fill(str(article.pk))
    operation.locator(".execute").click()

    operation.locator(".live-responses-table .response-col_status").first.wait_for()
    assert "Forum in Almaty" in operation.locator(".live-responses-table").inner_text()
    assert violations(page) == []
