from django import forms

from .models import ContactNumber


class ContactNumberForm(forms.ModelForm):
    """One row of the office's numbers in the admin.

    The number is kept as typed; ContactNumber.clean() refuses one that
    cannot be dialled from Belarus and derives its E.164 form."""

    class Meta:
        model = ContactNumber
        fields = ("kind", "label", "number", "order")
        widgets = {
            "number": forms.TextInput(
                attrs={"placeholder": "8 (02155) 3-10-14", "inputmode": "tel"}
            ),
        }
