import pytest
import vobject
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from contacts.models import ContactNumber

PHONE, FAX = ContactNumber.Kind.PHONE, ContactNumber.Kind.FAX
POSTAVY_NUMBERS = [
    (PHONE, "8 (02155) 3-10-14"),
    (PHONE, "8 (02155) 2-66-07"),
    (FAX, "(8-02155)-2-18-45"),
]


@pytest.fixture
def postavy(make_contact):
    return make_contact(
        name="Postavy District Executive Committee",
        slug="postavy",
        email="info@postavy.example.org",
        opening_hours="Mon–Fri 8:00–17:00\n\nLunch 13:00–14:00",
        is_primary=True,
        numbers=POSTAVY_NUMBERS,
    )


def main_content(response):
    """The page's own content, without the footer's copy of the primary office."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def render_primary_office():
    return Template("{% load contact_tags %}{% primary_office %}").render(Context())


@pytest.fixture(autouse=True)
def _english():
    # A request for /ru/… leaves Russian active on the thread, which would
    # otherwise leak into reverse() and the tags in the tests after it.
    with translation.override("en"):
        yield


# --- /contacts/ -----------------------------------------------------------------


def test_it_lists_the_office_with_its_address(client, postavy):
    response = client.get(reverse("contacts:list"))
    assert response.status_code == 200
    assert "contacts/contact_list.html" in [t.name for t in response.templates]
    assertContains(response, "Postavy District Executive Committee")
    assertInHTML(
        "<address class='office-address'>25 Lenina Street<br>"
        "Postavy, 211840<br>Belarus</address>",
        main_content(response),
        count=1,
    )


def test_it_links_every_number_as_dialled_to_its_e164_form(client, postavy):
    response = client.get(reverse("contacts:list"))
    assertContains(
        response, '<a href="tel:+375215531014">8 (02155) 3-10-14</a>', html=True
    )
    assertContains(
        response, '<a href="tel:+375215526607">8 (02155) 2-66-07</a>', html=True
    )


def test_it_shows_the_fax_number_as_text_not_a_tel_link(client, postavy):
    content = main_content(client.get(reverse("contacts:list")))

    assertInHTML("<dd>(8-02155)-2-18-45</dd>", content, count=1)
    assert "tel:+375215521845" not in content


def test_it_labels_phones_as_phone_and_faxes_as_fax(client, postavy):
    content = main_content(client.get(reverse("contacts:list")))
    assertInHTML("<dt>Phone</dt>", content, count=2)
    assertInHTML("<dt>Fax</dt>", content, count=1)


def test_it_shows_a_number_label_typed_by_staff(client, make_contact):
    office = make_contact()
    ContactNumber.objects.create(
        contact=office, number="8 (02155) 3-10-14", label="Reception"
    )
    response = client.get(reverse("contacts:list"))
    assertContains(response, "<dt>Reception</dt>", html=True)
    assertNotContains(response, "<dt>Phone</dt>", html=True)


def test_it_shows_the_email_as_a_mailto_link_and_each_opening_hours_line(
    client, postavy
):
    response = client.get(reverse("contacts:list"))
    assertContains(
        response,
        '<a href="mailto:info@postavy.example.org">info@postavy.example.org</a>',
        html=True,
    )
    assertContains(response, "<dd>Mon–Fri 8:00–17:00</dd>", html=True)
    assertContains(response, "<dd>Lunch 13:00–14:00</dd>", html=True)


def test_it_leaves_out_email_and_hours_when_there_are_none(client, make_contact):
    make_contact()
    response = client.get(reverse("contacts:list"))
    assertNotContains(response, "mailto:")
    assertNotContains(response, "Opening hours")


def test_it_lists_every_office_not_only_the_primary_one(client, postavy, make_contact):
    make_contact(name="Passport desk", slug="passport-desk")
    response = client.get(reverse("contacts:list"))
    assertContains(response, 'id="postavy"')
    assertContains(response, 'id="passport-desk"')
    assertContains(response, "Passport desk")


def test_it_links_each_office_to_its_vcard(client, postavy):
    response = client.get(reverse("contacts:list"))
    assertContains(response, 'href="/contacts/postavy.vcf"')


def test_it_escapes_html_typed_into_an_office(client, make_contact):
    make_contact(
        name="<script>alert(1)</script>Office",
        street_address="<b>1 Main</b> Street",
        opening_hours="<i>always</i>",
    )
    response = client.get(reverse("contacts:list"))
    assertNotContains(response, "<script>alert(1)</script>")
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;Office")
    assertContains(response, "&lt;b&gt;1 Main&lt;/b&gt; Street")
    assertContains(response, "&lt;i&gt;always&lt;/i&gt;")


def test_it_says_so_when_there_are_no_offices(client, db):
    response = client.get(reverse("contacts:list"))
    assert response.status_code == 200
    assertContains(response, "No contact details have been published yet.")


def test_it_is_served_in_russian_too(client, postavy):
    response = client.get("/ru/contacts/")
    assert response.status_code == 200
    assertContains(response, "Postavy District Executive Committee")


def test_its_query_count_does_not_grow_with_offices(
    client, postavy, make_contact, django_assert_num_queries
):
    # The office list and its numbers, the site's name (its surrogate key's
    # check and, the first time, its row), and the check of the page's
    # surrogate keys (the footer leaves the office to the page here).
    with django_assert_num_queries(5):
        client.get(reverse("contacts:list"))
    for _ in range(3):
        make_contact(numbers=POSTAVY_NUMBERS)
    # The kept page's keys, found changed; then as above, the site's name
    # kept and its key already read.
    with django_assert_num_queries(4):
        response = client.get(reverse("contacts:list"))
    assert main_content(response).count("tel:+375215531014") == 4


# --- /contacts/<slug>.vcf -------------------------------------------------------


def test_vcard_is_a_utf8_vcard_download_named_after_the_office(client, postavy):
    response = client.get(reverse("contacts:vcard", kwargs={"slug": "postavy"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="postavy.vcf"'


def test_vcard_parses_back_with_the_office_details(client, postavy):
    response = client.get(reverse("contacts:vcard", kwargs={"slug": "postavy"}))
    card = vobject.readOne(response.content.decode("utf-8"))
    assert card.version.value == "3.0"
    assert card.fn.value == "Postavy District Executive Committee"
    assert card.org.value == ["Postavy District Executive Committee"]
    address = card.adr.value
    assert (address.street, address.city, address.code, address.country) == (
        "25 Lenina Street",
        "Postavy",
        "211840",
        "Belarus",
    )
    assert card.email.value == "info@postavy.example.org"


def test_vcard_has_every_number_in_e164_with_voice_or_fax_type(client, postavy):
    response = client.get(reverse("contacts:vcard", kwargs={"slug": "postavy"}))
    card = vobject.readOne(response.content.decode("utf-8"))
    numbers = {
        tel.value: {t.upper() for t in tel.params["TYPE"]}
        for tel in card.contents["tel"]
    }
    assert numbers == {
        "+375215531014": {"WORK", "VOICE"},
        "+375215526607": {"WORK", "VOICE"},
        "+375215521845": {"WORK", "FAX"},
    }


def test_vcard_keeps_non_latin_text_intact(client, make_contact):
    make_contact(slug="minsk", name="Минский офис", locality="Минск")
    response = client.get(reverse("contacts:vcard", kwargs={"slug": "minsk"}))
    card = vobject.readOne(response.content.decode("utf-8"))
    assert card.fn.value == "Минский офис"
    assert card.adr.value.city == "Минск"


def test_vcard_of_an_unknown_office_is_404(client, postavy):
    response = client.get(reverse("contacts:vcard", kwargs={"slug": "nowhere"}))
    assert response.status_code == 404


def test_vcard_refuses_post(client, postavy):
    response = client.post(reverse("contacts:vcard", kwargs={"slug": "postavy"}))
    assert response.status_code == 405


# --- {% primary_office %} ---------------------------------------------------------


def test_primary_office_tag_shows_the_primary_office_kept_until_it_changes(
    postavy, make_contact, django_assert_num_queries
):
    make_contact(name="Passport desk")
    # The surrogate keys' stamps, the office and its numbers; then only the
    # stamps, until the office changes.
    with django_assert_num_queries(3):
        render_primary_office()
    with django_assert_num_queries(1):
        html = render_primary_office()
    postavy.name = "Postavy District Office"
    postavy.save()
    assert "Postavy District Office" in render_primary_office()
    assert "Postavy District Executive Committee" in html
    assert "Passport desk" not in html
    assertInHTML('<a href="tel:+375215531014">8 (02155) 3-10-14</a>', html)
    assertInHTML("<dt>Fax</dt>", html)
    assertInHTML("<dd>(8-02155)-2-18-45</dd>", html)
    assert "<address" in html


def test_primary_office_tag_renders_nothing_without_a_primary_office(make_contact):
    make_contact(name="Passport desk", is_primary=False)
    assert render_primary_office().strip() == ""


def test_primary_office_tag_escapes_html(make_contact):
    make_contact(name="<em>Office</em>", is_primary=True)
    html = render_primary_office()
    assert "<em>Office</em>" not in html
    assert "&lt;em&gt;Office&lt;/em&gt;" in html


def test_other_pages_show_the_primary_office_in_their_footer(client, postavy):
    response = client.get(reverse("gallery:list"))
    assertContains(response, "Postavy District Executive Committee")
    assertContains(
        response, '<a href="tel:+375215531014">8 (02155) 3-10-14</a>', html=True
    )


def test_the_header_and_footer_kept_for_every_page_change_with_the_office_and_name(
    client, postavy, make_masthead
):
    """Django's cache keeps the header and footer once for all pages; a page
    never shown before, rendered after a change, shows the change."""
    masthead = make_masthead()
    assertContains(client.get(reverse("gallery:list")), "Postavy Herald")

    postavy.name = "Postavy District Office"
    postavy.save()
    masthead.name_en = "Postavy Courier"
    masthead.save()

    response = client.get(reverse("articles:organization-list"))
    assertContains(response, "Postavy District Office")
    assertContains(response, '<a class="site-name" href="/">Postavy Courier</a>')
    assertNotContains(response, "Postavy Herald")
