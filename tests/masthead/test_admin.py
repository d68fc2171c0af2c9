"""The site's name in the admin: one form, the three languages one under
another, no adding or deleting, and the name in the admin's own header."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from masthead.models import Masthead

FORM_URL = reverse("admin:masthead_masthead_change", args=[1])


def html(response):
    return response.content.decode()


def name_inputs(page):
    """(field name, value) of each of the form's name boxes, in page order."""
    return re.findall(r'<input type="text" name="(name_\w\w)" value="([^"]*)"', page)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def name_keeper(django_user_model):
    """Staff given only the permission to change the site's name."""
    user = django_user_model.objects.create_user(
        "name-keeper", password="pw-name-keeper", is_staff=True
    )
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="masthead", codename="change_masthead"
        )
    )
    return user


def names(en="Postavy Herald", ru="Поставский вестник", be="Пастаўскі веснік"):
    return {"name_en": en, "name_ru": ru, "name_be": be}


def test_the_admin_index_leads_to_the_site_names_form(admin_client, make_masthead):
    make_masthead()

    index = html(admin_client.get(reverse("admin:index")))
    listed = admin_client.get(reverse("admin:masthead_masthead_changelist"))

    assert '<a href="/admin/masthead/masthead/">Site name</a>' in index
    assert listed.status_code == 302
    assert listed["Location"] == FORM_URL


def test_the_form_shows_the_name_in_each_language_one_under_another(
    admin_client, make_masthead
):
    make_masthead()

    page = html(admin_client.get(FORM_URL))

    assert name_inputs(page) == [
        ("name_en", "Postavy Herald"),
        ("name_ru", "Поставский вестник"),
        ("name_be", "Пастаўскі веснік"),
    ]


def test_saving_the_form_changes_the_name_in_each_language(admin_client, make_masthead):
    make_masthead()

    response = admin_client.post(
        FORM_URL, names(ru="Поставские новости", be="Пастаўскія навіны")
    )

    assert response.status_code == 302
    masthead = Masthead.objects.get()
    assert (masthead.name_en, masthead.name_ru, masthead.name_be) == (
        "Postavy Herald",
        "Поставские новости",
        "Пастаўскія навіны",
    )


def test_the_english_name_is_required(admin_client, make_masthead):
    make_masthead()

    response = admin_client.post(FORM_URL, names(en=""))

    assert response.status_code == 200
    assert "This field is required." in html(response)
    assert Masthead.objects.get().name_en == "Postavy Herald"


def test_before_a_name_is_saved_the_form_starts_from_the_default_names(
    admin_client,
):
    page = html(admin_client.get(FORM_URL))

    assert name_inputs(page) == [
        ("name_en", "Postavy District Newsroom"),
        ("name_ru", "Новости Поставского района"),
        ("name_be", "Навіны Пастаўскага раёна"),
    ]
    assert not Masthead.objects.exists()


def test_saving_the_form_for_the_first_time_saves_the_name(admin_client):
    response = admin_client.post(FORM_URL, names())

    assert response.status_code == 302
    assert Masthead.objects.get().name_be == "Пастаўскі веснік"


def test_the_site_name_cannot_be_added_again_or_deleted(admin_client, make_masthead):
    make_masthead()

    page = html(admin_client.get(FORM_URL))
    index = html(admin_client.get(reverse("admin:index")))

    assert 'name="_save"' in page
    assert 'name="_addanother"' not in page
    assert "deletelink" not in page
    assert 'href="/admin/masthead/masthead/add/"' not in index
    assert admin_client.get(reverse("admin:masthead_masthead_add")).status_code == 403
    delete_url = reverse("admin:masthead_masthead_delete", args=[1])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Masthead.objects.exists()


def test_staff_given_the_permission_change_the_name(client, name_keeper):
    client.force_login(name_keeper)

    response = client.post(FORM_URL, names(en="Postavy Courier"))

    assert response.status_code == 302
    assert Masthead.objects.get().name_en == "Postavy Courier"


@pytest.mark.parametrize("persona", ["editor", "contact_staff"])
def test_staff_without_the_permission_cannot_change_the_name(
    client, request, make_masthead, persona
):
    make_masthead()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(FORM_URL).status_code == 403
    assert client.post(FORM_URL, names(en="Hijacked")).status_code == 403
    assert Masthead.objects.get().name_en == "Postavy Herald"


@pytest.mark.parametrize(
    "accept, name",
    [
        ("en", "Postavy Herald"),
        ("ru", "Поставский вестник"),
        ("be", "Пастаўскі веснік"),
    ],
)
def test_the_admin_header_and_title_carry_the_saved_name_in_the_editors_language(
    admin_client, make_masthead, accept, name
):
    make_masthead()

    page = html(admin_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=accept))

    assert f'<a href="/admin/">{name}</a>' in page
    assert re.search(rf"<title>[^<]* \| {name}</title>", page)
    assert "Django administration" not in page


def test_a_saved_name_shows_in_the_admin_header_at_once(admin_client, make_masthead):
    make_masthead()
    admin_client.get(reverse("admin:index"))

    admin_client.post(FORM_URL, names(en="Postavy Courier"))

    page = html(admin_client.get(reverse("admin:index")))
    assert '<a href="/admin/">Postavy Courier</a>' in page
