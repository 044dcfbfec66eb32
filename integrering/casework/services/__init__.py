"""Casework services: plain functions named ``<entity>_<action>``, one module per part of the case."""
