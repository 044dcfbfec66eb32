"""Integrering: settlement and integration of refugees in Norway."""
