"""An editor's day in a real browser (Debian's chromium): write a story with
bold text and a gallery photo in the rich-text editor, schedule it, check
the public cannot see it while the editor previews it, publish it from the
list and find it on /news/; and two editors saving the same story."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article
from tests.browser.conftest import (
    choose_in_the_picker,
    choose_organization,
    log_in,
    violations,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_writes_schedules_previews_and_publishes_a_story(
    page, browser, site, editor_groups, editor
):
    log_in(page, site, "editor", "editor-pass-123")
    page.goto(f"{site}/admin/articles/article/add/")

    # The slug preview spells the Belarusian title in Latin, as the server does.
    page.select_option("#id_language", "be")
    page.locator("#id_title").press_sequentially("Пастаўскі раён: a new bridge")
    assert page.input_value("#id_slug") == "pastauski-raion-a-new-bridge"
    page.fill("#id_lead", "The bridge over the Myadelka opens on Monday.")

    body = page.locator(".prose-editor .ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("The bridge opens ")
    page.keyboard.press("Control+b")
    page.keyboard.type("on Monday")
    page.keyboard.press("Control+b")
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    # A photo from the gallery, through the image dialog's "Browse..." window.
    page.click(".prose-menubar__button[data-name=figure]")
    choose_in_the_picker(page, "Church")
    dialog = page.locator("dialog[open]")
    assert dialog.locator("input[name=altText]").input_value() == (
        "A white church by the lake"
    )
    dialog.locator("button[type=submit]").click()
    assert body.locator("strong").inner_text() == "on Monday"
    assert body.locator("img").count() == 1

    choose_organization(page, "Belarusian Telegraph Agency")
    page.fill("#id_dateline", "Postavy")
    tomorrow = timezone.localtime() + timedelta(days=1)
    page.fill("#id_published_at_0", tomorrow.strftime("%Y-%m-%d"))
    page.fill("#id_published_at_1", "09:00:00")
    page.click("input[name=_publish]")

    page.wait_for_url("**/admin/articles/article/")
    assert "is scheduled for" in page.locator(".messagelist").inner_text()
    article = Article.objects.get()
    assert article.slug == "pastauski-raion-a-new-bridge"
    assert article.state == "Scheduled"
    assert "The bridge opens <strong>on Monday</strong>." in article.body
    assert '<img src="/media/gallery/' in article.body
    assert 'alt="A white church by the lake"' in article.body
    url = f"{site}{article.get_absolute_url()}"

    # Scheduled: the public gets a 404, the editor a preview.
    public = browser.new_context()
    assert public.new_page().goto(url).status == 404
    preview = page.goto(url)
    assert preview.status == 200
    assert "Not public yet" in page.locator("main").inner_text()
    assert page.locator("main strong", has_text="on Monday").count() == 1

    # Published from the list with the bulk action.
    page.goto(f"{site}/admin/articles/article/")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "publish_now")
    page.click("button[name=index]")
    assert "1 article published." in page.locator(".messagelist").inner_text()

    reader = public.new_page()
    reader.goto(f"{site}/news/")
    assert reader.get_by_role("link", name="Пастаўскі раён: a new bridge").count()
    reader.get_by_role("link", name="Пастаўскі раён: a new bridge").first.click()
    assert "Not public yet" not in reader.locator("main").inner_text()
    assert reader.locator("main strong", has_text="on Monday").count() == 1
    public.close()

    assert violations(page) == []


@pytest.fixture
def second_editor(editor_groups, django_user_model):
    user = django_user_model.objects.create_user(
        "alena", password="alena-pass-123", is_staff=True, first_name="Alena"
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def test_two_editors_saving_one_story_the_second_is_told(
    browser, site, second_editor, editor, make_article
):
    article = make_article(title="Council meets", lead="Old lead.")
    change = f"{site}/admin/articles/article/{article.pk}/change/"
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    log_in(first, site, "editor", "editor-pass-123")
    log_in(second, site, "alena", "alena-pass-123")
    first.goto(change)
    second.goto(change)

    second.fill("#id_lead", "Alena's lead.")
    second.click("input[name=_publish]")
    second.wait_for_url("**/admin/articles/article/")
    first.fill("#id_lead", "The editor's lead.")
    first.click("input[name=_publish]")

    assert "Please correct the error" in first.locator(".errornote").inner_text()
    assert "changed by Alena" in first.locator(".errorlist.nonfield").inner_text()
    assert first.input_value("#id_lead") == "The editor's lead."
    article.refresh_from_db()
    assert article.lead == "Alena's lead."
    assert violations(first) == violations(second) == []
    first.context.close()
    second.context.close()
