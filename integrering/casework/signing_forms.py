"""The form that records a signature on a printed document (``services/signing.py``)."""

from __future__ import annotations

from typing import Any

from django import forms

from integrering.ui.forms import DateInput, DsForm

from .models import SignerRole, SigningMethod
from .services.signing import (
    SCAN_ACCEPT,
    SIGNER_ROLES,
    DigitalSigningProvider,
    ScanUpload,
    SignatureInput,
    SignedObject,
)


class SignatureForm(DsForm):
    signer_role = forms.ChoiceField(
        label="Hvem signerte?",
        widget=forms.RadioSelect,
        error_messages={"required": "Velg hvem som signerte."},
    )
    signer_name = forms.CharField(
        label="Navn på den som signerte",
        max_length=150,
        required=False,
        help_text="Trengs ikke når deltakeren selv signerte.",
    )
    signed_on = forms.DateField(
        label="Signert dato",
        widget=DateInput(),
        required=False,
    )
    method = forms.ChoiceField(
        label="Hvordan ble dokumentet signert?",
        widget=forms.RadioSelect,
        error_messages={"required": "Velg hvordan dokumentet ble signert."},
    )
    scan = forms.FileField(
        label="Skannet kopi",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": SCAN_ACCEPT}),
        error_messages={"empty": "Filen er tom.", "invalid": "Velg en fil å laste opp."},
    )
    digital_reference = forms.CharField(
        label="Referanse fra signeringstjenesten", max_length=200, required=False
    )

    def __init__(
        self,
        *args: Any,
        document: SignedObject,
        provider: DigitalSigningProvider,
        max_megabytes: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields["signer_role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = [(r, SignerRole(r).label) for r in SIGNER_ROLES[document.kind]]
        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        methods = [SigningMethod.PAPER, SigningMethod.SCANNED]
        if provider.configured:
            methods.append(SigningMethod.DIGITAL)
        else:
            del self.fields["digital_reference"]
        method.choices = [(m, SigningMethod(m).label) for m in methods]
        self.fields[
            "scan"
        ].help_text = (
            f"PDF, JPEG eller PNG, høyst {max_megabytes}. Bare når du velger «skannet kopi»."
        )

    def to_input(self) -> SignatureInput:
        data = self.cleaned_data
        upload = data.get("scan")
        scan = ScanUpload(filename=upload.name or "", content=upload.read()) if upload else None
        return SignatureInput(
            signer_role=data["signer_role"],
            signer_name=data["signer_name"],
            signed_on=data["signed_on"],
            method=data["method"],
            scan=scan,
            digital_reference=data.get("digital_reference", ""),
        )
