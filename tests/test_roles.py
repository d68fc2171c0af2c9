"""Who may open what in /admin/: the two groups made by the data migration
articles/0002_editorial_groups, against anonymous visitors, a logged-in
reader who is not staff, and a superuser."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse

from contacts.models import ContactNumber

PERSONAS = ["anonymous", "reader", "contact_staff", "editor", "superuser"]

# page: status for each persona, in PERSONAS' order. Anonymous visitors and
# readers are sent to the admin login; staff without the permission get 403.
MATRIX = {
    "index": (302, 302, 200, 200, 200),
    "article-list": (302, 302, 403, 200, 200),
    "article-add": (302, 302, 403, 200, 200),
    "organization-list": (302, 302, 403, 200, 200),
    "photo-list": (302, 302, 403, 200, 200),
    "source-feed-list": (302, 302, 403, 200, 200),
    "intake-queue": (302, 302, 403, 200, 200),
    "contact-list": (302, 302, 200, 403, 200),
    "contact-change": (302, 302, 200, 403, 200),
    "contact-add": (302, 302, 403, 403, 200),
    "site-name": (302, 302, 403, 403, 200),
    "user-list": (302, 302, 403, 403, 200),
    "group-list": (302, 302, 403, 403, 200),
}


@pytest.fixture
def office(make_contact):
    return make_contact(name="Postavy office", numbers=[("phone", "8 (02155) 3-10-14")])


def page_url(page, office):
    return {
        "index": reverse("admin:index"),
        "article-list": reverse("admin:articles_article_changelist"),
        "article-add": reverse("admin:articles_article_add"),
        "organization-list": reverse("admin:articles_organization_changelist"),
        "photo-list": reverse("admin:gallery_photo_changelist"),
        "source-feed-list": reverse("admin:intake_sourcefeed_changelist"),
        "intake-queue": reverse("admin:intake_intakeitem_changelist"),
        "contact-list": reverse("admin:contacts_officecontact_changelist"),
        "contact-change": reverse(
            "admin:contacts_officecontact_change", args=[office.pk]
        ),
        "contact-add": reverse("admin:contacts_officecontact_add"),
        "site-name": reverse("admin:masthead_masthead_change", args=[1]),
        "user-list": reverse("admin:auth_user_changelist"),
        "group-list": reverse("admin:auth_group_changelist"),
    }[page]


@pytest.mark.parametrize("page", list(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_its_role_allows(client, request, office, persona, page):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = page_url(page, office)

    response = client.get(url)

    expected = MATRIX[page][PERSONAS.index(persona)]
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("admin:login"))


def test_the_admin_index_lists_only_what_each_role_may_touch(
    client, editor, contact_staff
):
    client.force_login(editor)
    editor_apps = {
        app["app_label"]: sorted(m["object_name"] for m in app["models"])
        for app in client.get(reverse("admin:index")).context["app_list"]
    }
    client.force_login(contact_staff)
    staff_apps = {
        app["app_label"]: sorted(m["object_name"] for m in app["models"])
        for app in client.get(reverse("admin:index")).context["app_list"]
    }

    assert editor_apps == {
        "articles": ["Article", "Organization"],
        "gallery": ["Photo"],
        "intake": ["IntakeItem", "SourceFeed"],
    }
    assert staff_apps == {"contacts": ["OfficeContact"]}


def test_contact_staff_edit_the_office_and_its_numbers(client, contact_staff, office):
    number = office.numbers.get()
    client.force_login(contact_staff)

    response = client.post(
        reverse("admin:contacts_officecontact_change", args=[office.pk]),
        {
            "name_en": office.name,
            "street_address_en": "27 Lenina Street",
            "locality_en": office.locality,
            "postal_code": office.postal_code,
            "country_en": office.country,
            "numbers-TOTAL_FORMS": "2",
            "numbers-INITIAL_FORMS": "1",
            "numbers-MIN_NUM_FORMS": "0",
            "numbers-MAX_NUM_FORMS": "1000",
            "numbers-0-id": number.pk,
            "numbers-0-contact": office.pk,
            "numbers-0-kind": "phone",
            "numbers-0-number": "8 (02155) 3-10-15",
            "numbers-0-order": "0",
            "numbers-1-contact": office.pk,
            "numbers-1-kind": "fax",
            "numbers-1-number": "8 (02155) 5-12-13",
            "numbers-1-order": "1",
        },
    )

    assert response.status_code == 302
    office.refresh_from_db()
    assert office.street_address == "27 Lenina Street"
    assert sorted(office.numbers.values_list("number", flat=True)) == [
        "8 (02155) 3-10-15",
        "8 (02155) 5-12-13",
    ]


def test_contact_staff_cannot_delete_the_office(client, contact_staff, office):
    client.force_login(contact_staff)
    url = reverse("admin:contacts_officecontact_delete", args=[office.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert ContactNumber.objects.filter(contact=office).exists()


def test_an_editor_cannot_change_the_office(client, editor, office):
    client.force_login(editor)
    url = reverse("admin:contacts_officecontact_change", args=[office.pk])

    response = client.post(url, {"name_en": "Hijacked"})

    assert response.status_code == 403
    office.refresh_from_db()
    assert office.name == "Postavy office"


@pytest.mark.django_db
def test_the_groups_hold_exactly_their_permissions():
    def codenames(name):
        group = Group.objects.get(name=name)
        return sorted(group.permissions.values_list("codename", flat=True))

    assert codenames("Editors") == sorted(
        [
            *(
                f"{action}_{model}"
                for model in ("article", "organization", "photo", "sourcefeed")
                for action in ("add", "change", "delete", "view")
            ),
            # The intake queue: items come from feeds, never from a form.
            "change_intakeitem",
            "view_intakeitem",
        ]
    )
    assert codenames("Contact staff") == [
        "add_contactnumber",
        "change_contactnumber",
        "change_officecontact",
        "delete_contactnumber",
        "view_contactnumber",
        "view_officecontact",
    ]


@pytest.mark.django_db
def test_the_groups_migration_can_run_again_and_be_reversed():
    migration = import_module("articles.migrations.0002_editorial_groups")
    schema_editor = SimpleNamespace(connection=connection)
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="delete_user"))

    migration.create_groups(apps, schema_editor)

    assert Group.objects.count() == 2
    assert not editors.permissions.filter(codename="delete_user").exists()
    assert editors.permissions.count() == 12

    migration.remove_groups(apps, schema_editor)
    assert not Group.objects.exists()
    migration.create_groups(apps, schema_editor)
    assert sorted(Group.objects.values_list("name", flat=True)) == [
        "Contact staff",
        "Editors",
    ]
