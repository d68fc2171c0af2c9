import pytest
from django.urls import reverse

from contacts.models import ContactNumber


@pytest.fixture
def staff_client(client, contact_staff):
    client.force_login(contact_staff)
    return client


@pytest.fixture
def office(make_contact):
    return make_contact(
        name="Postavy District Executive Committee",
        slug="postavy",
        numbers=[("phone", "8 (02155) 3-10-14")],
    )


def office_data(office, rows, **overrides):
    """The change form as the browser posts it: the office's fields and one
    inline row per (id, kind, label, number) in rows."""
    data = {
        # The translated fields, one box per language (contacts/translation.py).
        **{
            f"{field}_{language}": getattr(office, f"{field}_{language}") or ""
            for field in (
                "name",
                "street_address",
                "locality",
                "country",
                "opening_hours",
            )
            for language in ("en", "ru", "be")
        },
        "slug": office.slug,
        "region": office.region,
        "postal_code": office.postal_code,
        "email": office.email,
        "numbers-TOTAL_FORMS": str(len(rows)),
        "numbers-INITIAL_FORMS": str(sum(1 for row in rows if row[0])),
        "numbers-MIN_NUM_FORMS": "0",
        "numbers-MAX_NUM_FORMS": "1000",
    }
    if office.is_primary:
        data["is_primary"] = "on"
    for i, (pk, kind, label, number) in enumerate(rows):
        data.update(
            {
                f"numbers-{i}-id": pk or "",
                f"numbers-{i}-contact": office.pk,
                f"numbers-{i}-kind": kind,
                f"numbers-{i}-label": label,
                f"numbers-{i}-number": number,
                f"numbers-{i}-order": str(i),
            }
        )
    data.update(overrides)
    return data


def change_url(office):
    return reverse("admin:contacts_officecontact_change", args=[office.pk])


def test_the_change_form_shows_the_numbers_as_typed_and_their_international_form(
    staff_client, office
):
    response = staff_client.get(change_url(office))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="8 (02155) 3-10-14"' in html
    assert "+375215531014" in html


def test_contact_staff_add_a_phone_and_a_fax_kept_as_typed(staff_client, office):
    existing = office.numbers.get()

    response = staff_client.post(
        change_url(office),
        office_data(
            office,
            [
                (existing.pk, "phone", "Reception", "8 (02155) 3-10-14"),
                (None, "phone", "", "8 (02155) 4-15-87"),
                (None, "fax", "", "8 (02155) 5-12-13"),
            ],
            opening_hours_en="Mon–Fri 8:00–17:00",
        ),
    )

    assert response.status_code == 302
    office.refresh_from_db()
    assert office.opening_hours == "Mon–Fri 8:00–17:00"
    numbers = [(n.kind, n.label, n.number, n.e164) for n in office.numbers.all()]
    assert numbers == [
        ("phone", "Reception", "8 (02155) 3-10-14", "+375215531014"),
        ("phone", "", "8 (02155) 4-15-87", "+375215541587"),
        ("fax", "", "8 (02155) 5-12-13", "+375215551213"),
    ]


def test_a_number_that_cannot_be_dialled_is_refused_on_its_row_and_nothing_changes(
    staff_client, office
):
    existing = office.numbers.get()

    response = staff_client.post(
        change_url(office),
        office_data(
            office,
            [
                (existing.pk, "phone", "", "8 (02155) 3-10-14"),
                (None, "fax", "", "call the front desk"),
            ],
            street_address="1 New Street",
        ),
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors == {}
    assert formset.forms[1].errors["number"] == [
        "“call the front desk” is not a phone number we can dial; type it as it "
        "is dialled in Belarus, e.g. 8 (02155) 3-10-14."
    ]
    assert "is not a phone number we can dial" in response.content.decode()
    office.refresh_from_db()
    assert office.street_address == "25 Lenina Street"
    assert list(office.numbers.values_list("number", flat=True)) == [
        "8 (02155) 3-10-14"
    ]


def test_a_labelled_row_without_a_number_is_told_once_that_the_number_is_required(
    staff_client, office
):
    existing = office.numbers.get()

    response = staff_client.post(
        change_url(office),
        office_data(
            office,
            [
                (existing.pk, "phone", "", "8 (02155) 3-10-14"),
                (None, "phone", "Duty officer", ""),
            ],
        ),
    )

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[1].errors["number"] == ["This field is required."]
    assert ContactNumber.objects.count() == 1


def test_contact_staff_remove_a_number(staff_client, office):
    existing = office.numbers.get()
    data = office_data(office, [(existing.pk, "phone", "", "8 (02155) 3-10-14")])
    data["numbers-0-DELETE"] = "on"

    response = staff_client.post(change_url(office), data)

    assert response.status_code == 302
    assert not office.numbers.exists()


def test_the_office_list_shows_the_primary_office(staff_client, make_contact):
    make_contact(name="Postavy District Executive Committee", is_primary=True)
    make_contact(name="Village council")

    response = staff_client.get(reverse("admin:contacts_officecontact_changelist"))

    assert response.status_code == 200
    names = [office.name for office in response.context["cl"].result_list]
    assert names == ["Postavy District Executive Committee", "Village council"]
    assert '<td class="field-is_primary"><img src="/static/admin/img/icon-yes.svg"' in (
        response.content.decode()
    )


# --- New numbers go last ----------------------------------------------------------


def test_a_new_number_row_is_ordered_after_the_existing_ones(
    staff_client, make_contact
):
    office = make_contact(numbers=[("phone", "8 (02155) 3-10-14")] * 3)

    html = staff_client.get(change_url(office)).content.decode()

    # The blank row, and the rows "Add another" copies from its template.
    assert 'name="numbers-3-order" value="3"' in html
    assert 'name="numbers-__prefix__-order" value="3"' in html


def test_the_add_page_starts_the_numbers_at_the_top(admin_client):
    html = admin_client.get(reverse("admin:contacts_officecontact_add")).content
    assert 'name="numbers-0-order" value="0"' in html.decode()


def test_a_number_added_with_its_order_left_empty_goes_last(staff_client, office):
    existing = office.numbers.get()
    data = office_data(
        office,
        [
            (existing.pk, "phone", "", "8 (02155) 3-10-14"),
            (None, "fax", "", "8 (02155) 5-12-13"),
        ],
    )
    data["numbers-0-order"] = "5"
    data["numbers-1-order"] = ""

    response = staff_client.post(change_url(office), data)

    assert response.status_code == 302
    assert [(n.kind, n.order) for n in office.numbers.all()] == [
        ("phone", 5),
        ("fax", 6),
    ]


# --- The slug is the vCard's address ----------------------------------------------


def test_contact_staff_see_the_slug_but_cannot_change_it(staff_client, office):
    html = staff_client.get(change_url(office)).content.decode()

    assert 'name="slug"' not in html
    assert '<div class="readonly">postavy</div>' in html


def test_a_posted_slug_is_ignored_on_change(staff_client, office):
    data = office_data(office, [], slug="somewhere-else")

    response = staff_client.post(change_url(office), data)

    assert response.status_code == 302
    office.refresh_from_db()
    assert office.slug == "postavy"
    assert office.get_vcard_url() == "/contacts/postavy.vcf"


def test_the_slug_is_chosen_when_the_office_is_added(admin_client):
    """By a superuser: contact staff change the office, they do not add one."""
    html = admin_client.get(reverse("admin:contacts_officecontact_add")).content
    assert 'name="slug"' in html.decode()
