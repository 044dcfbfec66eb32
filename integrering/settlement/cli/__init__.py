"""The settlement command line: ``integrering settlement spread``, ``... match`` and
``... remind-requests``."""
