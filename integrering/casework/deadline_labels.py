"""Norwegian names of the deadline kinds of ``deadlines/casework`` (the parameter holds their lengths)."""

from __future__ import annotations

DEADLINE_LABELS = {
    "team_first_meeting": "Første møte i tverrfaglig team",
    "kindergarten_place": "Barnehageplass eller annen barnepass",
    "school_start": "Skolestart",
    "plan_evaluation": "Evaluering av individuell plan",
    "health_examination": "Tilbud om helseundersøkelse",
    "norwegian_training_start": "Start i norskopplæring",
    "disability_grant_application": "Søknad om tilskudd ved nedsatt funksjonsevne",
    "programme_decision": "Vedtak om introduksjonsprogram",
    "introduction_register": "Registrering i introduksjonsregisteret",
    "appeal": "Klagefrist",
    "programme_end": "Introduksjonsprogrammet slutter",
    "programme_extension": "Vurder forlengelse av introduksjonsprogrammet",
    "consent_expiry": "Samtykket utløper",
    "consent_reminder": "Forny samtykket (påminnelse)",
    "appeal_forward": "Klage: forbered og send til Statsforvalteren",
    "appeal_returned": "Klage opphevet av Statsforvalteren: fatt nytt vedtak",
}


def deadline_label(kind: str) -> str:
    return DEADLINE_LABELS.get(kind, kind)
