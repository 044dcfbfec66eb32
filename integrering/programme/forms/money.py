"""Forms of the programme's money and reports to the state: starting a monthly benefit run,
grant claims and their export, the integration-package report and the national introduction
register export."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone

from integrering.accounts.access import programme_municipality_ids
from integrering.organisations.models import Municipality
from integrering.ui.forms import DateInput, DsForm

from ..services.benefit_run import month_parse
from ..services.grant_claims import GRANTS, MAX_YEAR, MIN_YEAR
from ..services.package_report import report_packages

# --- Benefit runs ---------------------------------------------------------------------------------


class BenefitRunStartForm(DsForm):
    municipality = forms.ModelChoiceField(
        label="Kommune",
        queryset=Municipality.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": "Velg en kommune du arbeider for.",
            "required": "Velg kommunen.",
        },
    )
    month = forms.CharField(
        label="Måned",
        help_text="Skriv måneden som ÅÅÅÅ-MM, for eksempel 2024-05.",
        widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
        error_messages={"required": "Velg måneden stønaden skal beregnes for."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        served = Municipality.objects.filter(pk__in=programme_municipality_ids(user))
        field = self.fields["municipality"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = served.order_by("number")
        self.municipalities = list(field.queryset)
        if len(self.municipalities) == 1:
            self.initial.setdefault("municipality", self.municipalities[0].pk)
        self.initial.setdefault("month", f"{timezone.localdate():%Y-%m}")

    @property
    def single_municipality(self) -> Municipality | None:
        return self.municipalities[0] if len(self.municipalities) == 1 else None

    def clean_month(self) -> Any:
        try:
            return month_parse(self.cleaned_data["month"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None


class BenefitRunApproveForm(DsForm):
    """Approving a run; the user who computed it confirms that they approve it too."""

    confirm_same_user = forms.BooleanField(
        label="Jeg beregnet denne kjøringen selv, og bekrefter at jeg også godkjenner den",
        required=False,
        help_text="Til vanlig godkjenner en annen enn den som beregnet. Bekreftelsen lagres.",
    )


# --- Grant claims, the package report and the register export ------------------------------------


YEAR_ERRORS = {
    "required": "Oppgi budsjettåret.",
    "invalid": "Budsjettåret må være et årstall, for eksempel 2018.",
    "min_value": f"Budsjettåret må være {MIN_YEAR} eller senere.",
    "max_value": f"Budsjettåret må være {MAX_YEAR} eller tidligere.",
}
MUNICIPALITY_NUMBER = RegexValidator(r"^\d{4}$", "Kommunenummeret har fire siffer.")


def _municipality_field(municipalities: list[Municipality]) -> forms.CharField:
    """A select when the user serves several municipalities; a hidden field otherwise."""
    widget: forms.Widget
    if len(municipalities) > 1:
        widget = forms.Select(choices=[(m.number, f"{m.number} {m.name}") for m in municipalities])
    else:
        widget = forms.HiddenInput()
    return forms.CharField(
        label="Kommune", required=False, validators=[MUNICIPALITY_NUMBER], widget=widget
    )


class ClaimForm(DsForm):
    year = forms.IntegerField(
        label="Budsjettår", min_value=MIN_YEAR, max_value=MAX_YEAR, error_messages=YEAR_ERRORS
    )

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = _municipality_field(municipalities)


class ClaimExportForm(ClaimForm):
    grant = forms.ChoiceField(
        label="Tilskudd",
        choices=list(GRANTS.items()),
        error_messages={
            "required": "Oppgi tilskuddet: integration, norwegian, unaccompanied_minors eller packages.",
            "invalid_choice": "Ukjent tilskudd «%(value)s»; velg integration, norwegian, unaccompanied_minors eller packages.",
        },
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("csv", "CSV"), ("xlsx", "Excel")],
        error_messages={
            "required": "Oppgi formatet: csv eller xlsx.",
            "invalid_choice": "Ukjent format «%(value)s»; velg csv eller xlsx.",
        },
    )


class PackageReportForm(DsForm):
    """The integration-package report: the municipality, the round (package) and, for a
    download, the format."""

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = _municipality_field(municipalities)
        packages = report_packages()
        self.fields["package"] = forms.ChoiceField(
            label="Rapportering",
            choices=[(p, f"Integreringspakke {p}") for p in packages],
            error_messages={
                "required": f"Velg rapporteringen: {' eller '.join(packages)}.",
                "invalid_choice": f"Ukjent rapportering «%(value)s»; velg {' eller '.join(packages)}.",
            },
        )
        self.fields["format"] = forms.ChoiceField(
            label="Format",
            required=False,
            choices=[("", "Ingen (vis siden)"), ("csv", "CSV"), ("xlsx", "Excel")],
            error_messages={"invalid_choice": "Ukjent format «%(value)s»; velg csv eller xlsx."},
        )


class RegisterForm(DsForm):
    """Municipality, an optional period (``from``, ``to``) and, for a download, the format."""

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"] = _municipality_field(municipalities)
        for name, label in (("from", "Fra og med"), ("to", "Til og med")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=DateInput(),
                error_messages={"invalid": "Ugyldig dato; bruk åååå-mm-dd."},
            )
        self.fields["format"] = forms.ChoiceField(
            label="Format",
            required=False,
            choices=[("", "Ingen (vis siden)"), ("json", "JSON"), ("csv", "CSV")],
            error_messages={"invalid_choice": "Ukjent format «%(value)s»; velg json eller csv."},
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            self.add_error("to", "Til-datoen kan ikke være før fra-datoen.")
        return data
