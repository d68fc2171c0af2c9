import phonenumbers

# Numbers are typed the way they are dialled in Belarus: "8 (02155) 3-10-14".
DEFAULT_REGION = "BY"


def to_e164(raw):
    """Return raw as an E.164 string (+375215531014), or raise ValueError."""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw!r} is not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
