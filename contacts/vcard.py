import vobject


def office_vcard(office):
    """Return the office as a vCard 3.0 text, numbers in E.164 so any phone
    can dial them. Reads office.numbers.all(), so prefetch it."""
    card = vobject.vCard()
    card.add("fn").value = office.name
    # vCard 3.0 requires N; an organisation's card leaves it empty.
    card.add("n").value = vobject.vcard.Name()
    card.add("org").value = [office.name]
    address = card.add("adr")
    address.value = vobject.vcard.Address(
        street=office.street_address,
        city=office.locality,
        region=office.region,
        code=office.postal_code,
        country=office.country,
    )
    address.type_param = "WORK"
    for number in office.numbers.all():
        tel = card.add("tel")
        tel.value = number.e164
        tel.type_paramlist = ["WORK", "FAX" if number.is_fax else "VOICE"]
    if office.email:
        email = card.add("email")
        email.value = office.email
        email.type_param = "INTERNET"
    if office.opening_hours:
        card.add("note").value = office.opening_hours
    return card.serialize()
