"""The surveys' JSON API, one module per part, each with its router (added in
``integrering/api.py``): ``capacity`` (the capacity survey), ``surveys`` (the municipal survey)
and ``results`` (its tables)."""
