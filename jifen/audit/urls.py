from django.urls import path

from jifen.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.entry_list, name="entry-list"),
    path("audit/export/", views.export, name="export"),
    path("audit/<int:pk>/", views.entry_detail, name="entry-detail"),
]
