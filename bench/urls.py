"""jifen's URLs plus the framework's ceiling, for the benchmark's settings (bench/settings.py)."""

from django.shortcuts import render
from django.urls import include, path


def ceiling(request):
    """The least a page can cost here: the full middleware stack and a tiny template, no query."""
    return render(request, "bench/ceiling.html", {"greeting": "党员积分管理系统"})


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("", include("jifen.urls")),
]
