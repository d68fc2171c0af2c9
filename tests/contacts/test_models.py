import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from contacts.models import ContactNumber, OfficeContact

PHONE, FAX = ContactNumber.Kind.PHONE, ContactNumber.Kind.FAX


def test_it_keeps_the_number_as_typed_and_derives_e164(make_contact):
    office = make_contact(numbers=[(FAX, "(8-02155)-2-18-45")])
    number = office.numbers.get()
    assert number.number == "(8-02155)-2-18-45"
    assert number.e164 == "+375215521845"
    assert number.is_fax


def test_it_refuses_a_number_nobody_can_dial(make_contact):
    office = make_contact()
    number = ContactNumber(contact=office, number="call the mayor")
    with pytest.raises(ValidationError) as error:
        number.full_clean()
    assert "is not a phone number we can dial" in str(error.value)


def test_it_accepts_a_number_typed_the_belarusian_way(make_contact):
    office = make_contact()
    number = ContactNumber(contact=office, number="8 (02155) 3-10-14")
    number.full_clean()
    assert number.e164 == "+375215531014"


def test_primary_returns_the_primary_office_with_its_numbers(
    make_contact, django_assert_num_queries
):
    make_contact(name="Branch office")
    office = make_contact(is_primary=True, numbers=[(PHONE, "8 (02155) 3-10-14")])
    with django_assert_num_queries(2):
        primary = OfficeContact.objects.primary()
        numbers = list(primary.numbers.all())
    assert primary == office
    assert [n.number for n in numbers] == ["8 (02155) 3-10-14"]


def test_primary_is_none_when_no_office_is_primary(make_contact):
    make_contact(is_primary=False)
    assert OfficeContact.objects.primary() is None


def test_only_one_office_can_be_primary(make_contact):
    make_contact(is_primary=True)
    with pytest.raises(IntegrityError):
        make_contact(is_primary=True)


def test_vcard_url_ends_in_the_slug(make_contact):
    office = make_contact(slug="postavy")
    assert office.get_vcard_url() == "/contacts/postavy.vcf"
    assert office.get_absolute_url() == "/contacts/#postavy"


def test_a_number_saved_without_an_order_goes_after_the_offices_others(
    make_contact,
):
    office = make_contact(numbers=[("phone", "8 (02155) 3-10-14")] * 3)
    other = make_contact(numbers=[("phone", "8 (02155) 3-10-14")] * 5)

    added = ContactNumber.objects.create(contact=office, number="8 (02155) 5-12-13")

    assert added.order == 3
    assert list(office.numbers.all())[-1] == added
    assert other.numbers.last().order == 4


def test_the_first_number_of_an_office_is_first(make_contact):
    office = make_contact()

    added = ContactNumber.objects.create(contact=office, number="8 (02155) 5-12-13")

    assert added.order == 0
