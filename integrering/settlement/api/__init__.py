"""Settlement planning's JSON API, one module per part, each with its router (added under
/api/v1/settlement/ in ``integrering/api.py``): ``planning`` (reception and need), ``requests``
(requests and decisions), ``matching`` (the matcher), ``waiting`` (the households waiting for
settlement and their import)."""
