from __future__ import annotations

from django.contrib import admin

from .models import County, CountyGovernor, Municipality, Organisation, RefugeeServiceCooperation


@admin.register(CountyGovernor)
class CountyGovernorAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "county_governor", "valid_from", "valid_to"]
    list_filter = ["county_governor"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "county",
        "written_standard",
        "valid_from",
        "valid_to",
        "successor",
    ]
    list_filter = ["county", "written_standard"]
    search_fields = ["number", "name"]
    autocomplete_fields = ["successor"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "municipality__number"]
    autocomplete_fields = ["municipality", "county_governor"]


@admin.register(RefugeeServiceCooperation)
class RefugeeServiceCooperationAdmin(admin.ModelAdmin):
    list_display = ["name", "host", "valid_from", "valid_to"]
    autocomplete_fields = ["host", "partners"]
