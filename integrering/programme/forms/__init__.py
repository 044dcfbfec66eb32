"""Forms of the programme: what the caseworker types, parsed; the rules are in the services, which
answer with errors the form shows next to the fields. One module per part:

- ``lifecycle.py``: start, leave, stop, resume, absence, final goal, career guidance, end, update;
- ``extensions.py``: a longer programme and extended Norwegian training;
- ``decisions.py``: decisions, from draft to sent;
- ``appeals.py``: appeals, the municipality's review and the county governor's outcome;
- ``money.py``: the benefit run, grant claims, the package report and the register export;
- ``norwegian_training.py``: Norwegian and social studies training, step by step (import its
  forms from that module: some share their names with the lifecycle forms);
- ``fields.py``: the field helpers they share.

The forms of every module but ``norwegian_training.py`` are importable from here.
"""

from .appeals import AppealCreateForm, AppealFilterForm, OutcomeForm, ReviewForm
from .decisions import (
    DecideForm,
    DecisionCreateForm,
    DecisionEditForm,
    DecisionFilterForm,
    SendForm,
)
from .extensions import ExtensionForm, NorwegianExtensionForm
from .lifecycle import (
    AbsenceCorrectForm,
    AbsenceDeleteForm,
    AbsenceForm,
    CareerGuidanceForm,
    EndForm,
    FinalGoalForm,
    LeaveForm,
    ResumeForm,
    StartForm,
    StopForm,
    UpdateForm,
)
from .money import (
    BenefitRunApproveForm,
    BenefitRunStartForm,
    ClaimExportForm,
    ClaimForm,
    PackageReportForm,
    RegisterForm,
)

__all__ = [
    "AbsenceCorrectForm",
    "AbsenceDeleteForm",
    "AbsenceForm",
    "AppealCreateForm",
    "AppealFilterForm",
    "BenefitRunApproveForm",
    "BenefitRunStartForm",
    "CareerGuidanceForm",
    "ClaimExportForm",
    "ClaimForm",
    "DecideForm",
    "DecisionCreateForm",
    "DecisionEditForm",
    "DecisionFilterForm",
    "EndForm",
    "ExtensionForm",
    "FinalGoalForm",
    "LeaveForm",
    "NorwegianExtensionForm",
    "OutcomeForm",
    "PackageReportForm",
    "RegisterForm",
    "ResumeForm",
    "ReviewForm",
    "SendForm",
    "StartForm",
    "StopForm",
    "UpdateForm",
]
