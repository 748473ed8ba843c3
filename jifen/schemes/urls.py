from django.urls import path

from jifen.schemes import views

app_name = "schemes"
urlpatterns = [
    path("schemes/", views.scheme_list, name="list"),
    path("schemes/mine/", views.my_scheme, name="mine"),
    path("schemes/new/", views.scheme_create, name="create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="detail"),
    path("schemes/<int:pk>/settings/", views.edit_settings, name="edit-settings"),
    path("schemes/<int:pk>/items/new/", views.edit_item, name="add-item"),
    path("schemes/<int:pk>/items/<str:code>/", views.edit_item, name="edit-item"),
    path("schemes/<int:pk>/items/<str:code>/delete/", views.delete_item, name="delete-item"),
    path("schemes/<int:pk>/categories/<str:key>/", views.edit_category, name="edit-category"),
    path("schemes/<int:pk>/grades/", views.edit_grades, name="edit-grades"),
    path("schemes/<int:pk>/copy/", views.copy_next_year, name="copy-next-year"),
    path("schemes/<int:pk>/export.json", views.export_json, name="export-json"),
    path("schemes/<int:pk>/export.xlsx", views.export_xlsx, name="export-xlsx"),
]
