"""The settlement command line: ``integrering settlement spread`` and ``... match``."""
