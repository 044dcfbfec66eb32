"""The introduction programme's JSON API, one module per part, each with its router (added
under /api/v1/ in ``integrering/api.py``): ``programme`` (participation and its events),
``benefit`` (benefit runs), ``decisions`` (decisions and appeals), ``grants`` (grant claims and
the introduction register export), ``packages`` (the integration-package report)."""
