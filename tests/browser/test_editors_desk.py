"""The editor's desk in a real browser (Debian's chromium): Preview in a new
tab saving nothing, Save draft keeping a published story as readers know it,
Publish making the draft public, an image uploaded from inside the body
editor, and the article list at 1280 px."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from gallery.models import Photo
from tests.browser.conftest import (
    LISTEN_FOR_VIOLATIONS,
    choose_in_the_picker,
    choose_organization,
    log_in,
    violations,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(make_article):
    return make_article(
        title="Council meets",
        lead="The council meets on Monday.",
        body="<p>The district council meets on Monday.</p>",
    )


@pytest.fixture
def desk(page, site, editor_groups, editor, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    # Previews open in a new tab of the same browser context.
    page.context.add_init_script(LISTEN_FOR_VIOLATIONS)
    log_in(page, site, "editor", "editor-pass-123")
    return page


def change_page(site, article):
    return f"{site}/admin/articles/article/{article.pk}/change/"


def public_text(browser, site, article):
    reader = browser.new_context().new_page()
    response = reader.goto(f"{site}{article.get_absolute_url()}")
    text = reader.locator("main").inner_text() if response.status == 200 else ""
    reader.context.close()
    return response.status, text


BODY = ".prose-editor .ProseMirror[contenteditable=true]"


def wait_for_the_editor_to_take_the_focus(desk):
    """After putting a picture in, the editor takes the focus back one
    animation frame later (Tiptap's focus command): keys sent sooner would go
    to the page, not into the story."""
    desk.wait_for_function("document.activeElement?.matches('.ProseMirror')")


def upload_in_the_editor(desk, alt_text, caption, image):
    with desk.expect_file_chooser() as chooser:
        desk.get_by_role("button", name="Upload image").click()
    chooser.value.set_files(
        files=[{"name": "river.jpg", "mimeType": "image/jpeg", "buffer": image}]
    )
    dialog = desk.locator("dialog[open]")
    dialog.locator("input[name=altText]").fill(alt_text)
    dialog.locator("input[name=caption]").fill(caption)
    dialog.locator("button[type=submit]").click()
    desk.locator(BODY).locator(f"img[alt='{alt_text}']").wait_for()


def test_preview_opens_the_unsaved_text_as_the_public_page_and_saves_nothing(
    desk, site, story
):
    desk.goto(change_page(site, story))
    desk.fill("#id_title", "Council meets on Tuesday")

    with desk.expect_popup() as popup:
        desk.click("input[name=_preview]")
    preview = popup.value
    preview.wait_for_load_state()

    assert preview.locator("h1").inner_text() == "Council meets on Tuesday"
    assert "Not public yet" in preview.locator(".preview-banner").inner_text()
    # The form is still open, with the editor's text, in the first tab.
    assert desk.input_value("#id_title") == "Council meets on Tuesday"
    story.refresh_from_db()
    assert (story.title, story.version, story.pending_draft) == (
        "Council meets",
        1,
        None,
    )
    assert violations(desk) == violations(preview) == []


def test_save_draft_keeps_the_published_story_until_publish(desk, browser, site, story):
    desk.goto(change_page(site, story))
    desk.fill("#id_title", "Council meets on Tuesday instead")
    desk.click("input[name=_save_draft]")

    desk.wait_for_url(f"**/admin/articles/article/{story.pk}/change/")
    assert "Readers still see the published version" in (
        desk.locator(".messagelist").inner_text()
    )
    assert desk.locator(".pending-draft-note").is_visible()
    assert desk.input_value("#id_title") == "Council meets on Tuesday instead"
    status, text = public_text(browser, site, story)
    assert status == 200 and "Council meets" in text and "Tuesday" not in text
    desk.goto(f"{site}/admin/articles/article/")
    assert desk.locator(".field-state").first.inner_text() == (
        "Published, draft pending"
    )

    desk.goto(change_page(site, story))
    desk.click("input[name=_publish]")

    desk.wait_for_url("**/admin/articles/article/")
    assert "“Council meets on Tuesday instead” is published." in (
        desk.locator(".messagelist").inner_text()
    )
    story.refresh_from_db()
    assert story.pending_draft is None
    status, text = public_text(browser, site, story)
    assert status == 200 and "Council meets on Tuesday instead" in text
    assert violations(desk) == []


def test_a_new_story_saved_as_a_draft_stays_hidden_until_published(
    desk, browser, site, organization
):
    desk.goto(f"{site}/admin/articles/article/add/")
    desk.fill("#id_title", "Bridge opens")
    desk.locator(BODY).click()
    desk.keyboard.type("The bridge opens on Monday.")
    choose_organization(desk, organization.name)
    desk.click("input[name=_save_draft]")

    desk.wait_for_url("**/change/")
    article = Article.objects.get()
    assert article.state == "Draft"
    assert public_text(browser, site, article)[0] == 404

    desk.click("input[name=_publish]")

    desk.wait_for_url("**/admin/articles/article/")
    article.refresh_from_db()
    assert article.state == "Published"
    assert "The bridge opens on Monday." in public_text(browser, site, article)[1]


def jpeg(size=(1600, 900)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 140)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_image_uploaded_in_the_body_editor_goes_into_the_story_not_the_gallery(
    desk, browser, site, story
):
    desk.goto(change_page(site, story))
    body = desk.locator(BODY)
    # Room to write: twenty lines or more of its text.
    font = float(body.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert body.bounding_box()["height"] >= 20 * 1.4 * font

    # Straight to "Upload image", without a click in the text first.
    upload_in_the_editor(desk, "The river at dusk", "The Myadelka", jpeg())
    wait_for_the_editor_to_take_the_focus(desk)
    # No caption trap: typing after the insert goes below the picture.
    desk.keyboard.type("Residents can walk")
    desk.keyboard.press("Enter")
    desk.keyboard.type("along the river.")
    desk.click("input[name=_publish]")
    desk.wait_for_url("**/admin/articles/article/")

    photo = Photo.objects.get(alt_text="The river at dusk")
    assert photo.in_gallery is False
    story.refresh_from_db()
    figure = (
        f'<figure><img src="/media/{photo.image.name}" alt="The river at dusk">'
        "<figcaption>The Myadelka</figcaption></figure>"
    )
    # Below the story's text, not above it.
    assert story.body.startswith(
        f"<p>The district council meets on Monday.</p>{figure}"
    )
    # What was typed after the insert is in paragraphs below the picture,
    # not in its caption.
    after = story.body.split(figure, 1)[1]
    assert "<p>Residents can walk</p><p>along the river." in after
    reader = browser.new_context().new_page()
    reader.goto(f"{site}{story.get_absolute_url()}")
    picture = reader.locator(".article-body picture")
    assert picture.locator("source[type='image/webp']").get_attribute("srcset")
    assert "320w" in picture.locator("img").get_attribute("srcset")
    reader.goto(f"{site}/gallery/")
    assert reader.locator("img[alt='The river at dusk']").count() == 0
    reader.context.close()
    assert violations(desk) == []


def test_an_image_uploaded_after_the_writer_left_the_body_goes_where_they_left_it(
    desk, site, make_article
):
    story = make_article(body="<p>The council met.</p><p>It meets again in May.</p>")
    desk.goto(change_page(site, story))
    # A click in the first paragraph and the caret to its end, then off to
    # the title. (The caret moves by key: a click at the paragraph's last
    # pixel misses it whenever the editor's width settles after it is read.)
    desk.locator(BODY).locator("> p").first.click()
    desk.keyboard.press("End")
    desk.click("#id_title")

    upload_in_the_editor(desk, "The council hall", "The hall", jpeg())

    before, after = desk.input_value("#id_body").split("<figure", 1)
    assert before == "<p>The council met.</p>"
    assert "It meets again in May." in after


def test_no_caption_traps_the_writer_after_a_picked_image_or_in_a_caption(
    desk, site, story
):
    desk.goto(change_page(site, story))
    desk.click(".prose-menubar__button[data-name=figure]")
    choose_in_the_picker(desk, "Church")
    dialog = desk.locator("dialog[open]")
    assert dialog.locator("input[name=altText]").input_value() == (
        "A white church by the lake"
    )
    dialog.locator("button[type=submit]").click()
    wait_for_the_editor_to_take_the_focus(desk)
    desk.keyboard.type("Typed after the picture.")
    desk.keyboard.press("ArrowUp")  # into the caption
    assert desk.evaluate(
        "getSelection().anchorNode.parentElement.closest('figcaption') !== null"
    )
    desk.keyboard.press("Enter")
    desk.keyboard.type("Enter left the caption.")

    html = desk.input_value("#id_body")
    # The picture is below the story's text, and neither line went into its
    # caption: both are paragraphs after the figure.
    assert html.startswith("<p>The district council meets on Monday.</p><figure")
    caption = '<figcaption class="figure-caption">Church</figcaption></figure>'
    after = html.split(caption, 1)[1]
    assert "<p>Enter left the caption.</p>" in after
    assert "<p>Typed after the picture.</p>" in after


def test_the_block_menu_shows_no_missing_glyph(desk, site, story):
    desk.goto(change_page(site, story))

    arrow = desk.locator(".prose-menubar__selected").evaluate(
        "e => getComputedStyle(e, '::after').content"
    )

    # Drawn with a border: no character for a font to lack.
    assert arrow in ('""', "none")


def test_an_upload_that_is_not_an_image_is_refused_in_the_editor(desk, site, story):
    desk.goto(change_page(site, story))
    desk.locator(BODY).click()

    with desk.expect_file_chooser() as chooser:
        desk.get_by_role("button", name="Upload image").click()
    chooser.value.set_files(
        files=[{"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"x" * 99}]
    )
    dialog = desk.locator("dialog[open]")
    dialog.locator("input[name=altText]").fill("Notes")
    dialog.locator("button[type=submit]").click()

    alert = desk.get_by_role("alert")
    alert.wait_for()
    assert "This file is not an image: “notes.jpg”" in alert.inner_text()
    assert not Photo.objects.filter(alt_text="Notes").exists()


def dialog_texts(desk):
    dialog = desk.locator("dialog[open]")
    return {
        "title": dialog.locator("h3").inner_text(),
        "fields": dialog.locator("label").all_inner_texts(),
        "buttons": dialog.get_by_role("button").all_inner_texts(),
    }


def test_the_body_editor_speaks_russian_in_the_russian_admin(desk, site, story):
    desk.goto(change_page(site, story))
    desk.select_option("#admin-language", "ru")
    desk.click(".admin-language button[type=submit]")
    desk.wait_for_selector("html[lang=ru]")

    menu = desk.locator(".prose-menubar:not(.prose-menubar--floating)")
    expect(menu.get_by_role("button", name="Загрузить изображение")).to_be_visible()
    names = menu.locator("button[aria-label]").evaluate_all(
        "buttons => buttons.map(button => button.getAttribute('aria-label'))"
    )
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    assert names and [name for name in names if not cyrillic.search(name)] == []
    menu.locator(".prose-menubar__selected").click()
    assert menu.locator(".prose-menubar__option").all_inner_texts() == [
        "Заголовок 2",
        "Заголовок 3",
        "Заголовок 4",
        "Абзац",
    ]
    desk.keyboard.press("Escape")

    desk.locator(BODY).locator("p").first.select_text()
    link = menu.get_by_role("button", name="Ссылка", exact=True)
    expect(link).not_to_have_class(re.compile("disabled"))
    link.click()
    assert dialog_texts(desk) == {
        "title": "Изменить ссылку",
        "fields": ["Адрес (URL)", "Всплывающая подсказка"],
        "buttons": ["Обновить", "Отмена"],
    }
    desk.get_by_role("button", name="Отмена").click()

    menu.get_by_role("button", name="Изображение из медиатеки или по адресу").click()
    assert dialog_texts(desk) == {
        "title": "Вставить изображение",
        "fields": ["Адрес изображения (URL)", "Альтернативный текст", "Подпись"],
        "buttons": ["Выбрать из медиатеки…", "Вставить", "Отмена"],
    }
    assert violations(desk) == []


def test_the_article_list_fits_1280_pixels_with_thumbnails(
    desk, site, story, make_article, tmp_path
):
    make_article(
        title="Delegation of the Executive Committee of the SCO RATS takes part "
        "in the meeting of heads of the border services"
    )
    desk.goto(f"{site}/admin/articles/article/")
    desk.screenshot(path=tmp_path / "article-list-1280.png")

    results = desk.locator("#changelist .results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    state = desk.locator("th.column-state").bounding_box()
    box = results.bounding_box()
    assert state["x"] + state["width"] <= box["x"] + box["width"]
    # Titles wrap at word groups, not one word per line.
    title = desk.locator("td.field-story, th.field-story").first.bounding_box()
    assert title["width"] >= 200
