"""The official statistical forms: the list of a county's forms, one form as a table (per
township with the county total, or per unit), and the same figures as a workbook.

County users read their county's forms; township users are refused (403) and anyone
else finds nothing (404), as on the county dashboard (``renewal.rollup.access``). The
figures are filled live from the data (``renewal.rollup.statforms``).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from renewal.kit.file_names import dated_name, disposition
from renewal.models import DomainError
from renewal.rollup import access, statforms
from renewal.rollup.stat_exports import form_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VIEWS = {"townships": "分乡镇(街道)", "units": "分村(社区)明细"}


@login_required
def stat_home(request):
    region = access.home_region(request.user)
    if region is None:
        raise Http404
    if not (region.is_county or region.is_above_county):
        raise PermissionDenied("统计报表仅供县级用户查看。")
    county = access.home_county(request.user)
    if county is None:
        raise Http404
    return redirect("rollup:stat-form-list", county_pk=county.pk)


@login_required
def stat_form_list(request, county_pk):
    county = access.county_for_user(request.user, county_pk)
    context = {"county": county, "forms": statforms.forms_for(county.pk)}
    return render(request, "renewal/rollup/stat_form_list.html", context)


def _filled(request, county_pk, code):
    county = access.county_for_user(request.user, county_pk)
    form = statforms.form_for(county.pk, code)
    if form is None:
        raise Http404
    return county, form


@login_required
def stat_form(request, county_pk, code):
    county, form = _filled(request, county_pk, code)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "townships"
    context = {"county": county, "form": form, "view": view, "views": VIEWS}
    try:
        filled = statforms.form_fill(form=form, county=county)
    except DomainError as exc:
        context["error"] = str(exc)
        return render(request, "renewal/rollup/stat_form.html", context)
    rows = [*filled.townships, filled.total] if view == "townships" else filled.units
    context.update(
        filled=filled,
        header=statforms.header_rows(filled.columns),
        rows=[
            {
                "row": row,
                "total": row is filled.total,
                "cells": [
                    statforms.shown(value, column.style)
                    for value, column in zip(row.values, filled.columns, strict=True)
                ],
            }
            for row in rows
        ],
        missing_note=statforms.MISSING,
    )
    return render(request, "renewal/rollup/stat_form.html", context)


@login_required
def stat_form_xlsx(request, county_pk, code):
    county, form = _filled(request, county_pk, code)
    try:
        filled = statforms.form_fill(form=form, county=county)
    except DomainError as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(form_workbook(filled), content_type=XLSX)
    response["Content-Disposition"] = disposition(
        dated_name(form.name, county.name, when=filled.day),
        dated_name("stat", form.code, county.code, when=filled.day),
    )
    return response
