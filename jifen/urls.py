from django.urls import include, path

from jifen.api.api import api

urlpatterns = [
    path("", include("jifen.core.urls")),
    path("accounts/", include("jifen.accounts.urls")),
    path("", include("jifen.org.urls")),
    path("", include("jifen.schemes.urls")),
    path("", include("jifen.scoring.urls")),
    path("", include("jifen.publicity.urls")),
    path("", include("jifen.results.urls")),
    path("", include("jifen.commitments.urls")),
    path("", include("jifen.reports.urls")),
    path("", include("jifen.imports.urls")),
    path("", include("jifen.supervision.urls")),
    path("", include("jifen.audit.urls")),
    path("api/v1/", api.urls),
]
