from django.urls import path

from jifen.reports import views

app_name = "reports"
urlpatterns = [
    path("exports/ledger/", views.ledger, name="ledger"),
    path("exports/register/", views.register, name="register"),
    path("exports/publicity/<int:pk>/", views.publicity, name="publicity"),
    path("exports/results/", views.results, name="results"),
]
