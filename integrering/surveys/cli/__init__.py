"""The surveys' command lines: ``integrering capacity summary`` and ``integrering survey ...``."""
