from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains


def render_slider():
    return Template("{% load gallery_tags %}{% gallery_slider %}").render(Context())


@pytest.fixture(autouse=True)
def _english():
    # A request for /ru/… leaves Russian active on the thread, which would
    # otherwise leak into reverse() and the tags in the tests after it.
    with translation.override("en"):
        yield


# --- /gallery/ ------------------------------------------------------------------


def test_it_shows_every_photo_as_a_lazy_figure_with_size_and_alt(client, make_photo):
    photo = make_photo(caption="Embankment", alt_text="The river embankment")
    response = client.get(reverse("gallery:list"))
    assert response.status_code == 200
    assert "gallery/photo_list.html" in [t.name for t in response.templates]
    jpeg, webp = (
        "/media/" + photo.renditions["files"][kind][0][1] for kind in ("jpeg", "webp")
    )
    sizes = (
        "(min-width: 72rem) 52rem, (min-width: 60rem) calc(100vw - 20rem), "
        "calc(100vw - 2rem)"
    )
    assertContains(
        response,
        f'<picture><source type="image/webp" srcset="{webp} 64w" sizes="{sizes}">'
        f'<img src="{jpeg}" srcset="{jpeg} 64w" sizes="{sizes}"'
        ' alt="The river embankment" width="64" height="48" loading="lazy"'
        ' decoding="async"></picture>',
        html=True,
    )


def test_it_captions_each_photo_with_its_credit(client, make_photo):
    make_photo(caption="Tysenhaus Palace", credit="Ivan Petrov")
    response = client.get(reverse("gallery:list"))
    assertContains(
        response,
        '<figcaption><span class="photo-caption">Tysenhaus Palace</span>'
        ' <small class="photo-credit">Photo: Ivan Petrov</small></figcaption>',
        html=True,
    )


def test_it_leaves_out_the_credit_line_when_there_is_none(client, make_photo):
    make_photo(caption="Church", credit="")
    response = client.get(reverse("gallery:list"))
    assertContains(response, "Church")
    assertNotContains(response, "photo-credit")


def test_it_shows_photos_in_the_editors_order(client, make_photo):
    make_photo(caption="Second", order=2)
    make_photo(caption="First", order=1)
    content = client.get(reverse("gallery:list")).content.decode()
    assert content.index("First") < content.index("Second")


def test_it_escapes_html_in_captions_alt_text_and_credits(client, make_photo):
    make_photo(
        caption="<script>alert(1)</script>",
        alt_text='" onerror="alert(2)',
        credit="<b>me</b>",
    )
    response = client.get(reverse("gallery:list"))
    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
    assertNotContains(response, '" onerror="alert(2)')
    assertContains(response, 'alt="&quot; onerror=&quot;alert(2)"')
    assertContains(response, "&lt;b&gt;me&lt;/b&gt;")


def test_it_says_so_when_there_are_no_photos(client, db):
    response = client.get(reverse("gallery:list"))
    assert response.status_code == 200
    assertContains(response, "There are no photos yet.")
    assertNotContains(response, "<figure")


def test_it_is_served_in_russian_too(client, make_photo):
    make_photo(caption="Embankment")
    response = client.get("/ru/gallery/")
    assert response.status_code == 200
    assertContains(response, "Embankment")


def test_its_query_count_does_not_grow_with_photos(
    client, make_photo, django_assert_num_queries
):
    make_photo()
    # The photos, and the footer's primary office (none here, so no
    # prefetch), the site's name (its surrogate key's check and, the first
    # time, its row), and the check of the page's surrogate keys.
    with django_assert_num_queries(5):
        client.get(reverse("gallery:list"))
    for _ in range(4):
        make_photo()
    # The kept page's keys, found changed; then as above, the site's name and
    # the office kept and their keys already read.
    with django_assert_num_queries(3):
        response = client.get(reverse("gallery:list"))
    assertContains(response, "<figure", count=5)


# --- {% gallery_slider %} -----------------------------------------------------------


def test_slider_shows_every_photo_with_a_visible_caption_in_one_query(
    make_photo, django_assert_num_queries
):
    make_photo(caption="Embankment", order=1)
    make_photo(caption="Church", order=2)
    with django_assert_num_queries(1):
        html = render_slider()
    assert html.count("<figure") == 2
    assert '<span class="photo-caption">Embankment</span>' in html
    assert html.index("Embankment") < html.index("Church")
    assert 'loading="lazy"' in html


def test_slider_is_a_scroll_snap_strip_without_inline_script_or_style(make_photo):
    make_photo()
    html = render_slider()
    # Its controls come from the static js/site.js, which the page loads.
    assert '<div class="gallery-slider"' in html
    assert "<script" not in html
    assert "<style" not in html and "style=" not in html
    assert 'href="/gallery/"' in html
    stylesheet = Path(finders.find("css/site.css")).read_text()
    rule = stylesheet[stylesheet.index(".gallery-slider {") :]
    assert "scroll-snap-type: x mandatory" in rule[: rule.index("}")]


def test_slider_renders_nothing_without_photos(db):
    assert render_slider().strip() == ""


def test_slider_escapes_captions(make_photo):
    make_photo(caption="<img src=x onerror=alert(1)>")
    html = render_slider()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
