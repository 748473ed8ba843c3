from django.urls import path

from jifen.supervision import views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.dashboard, name="dashboard"),
    path("supervision/branches/<int:pk>/", views.branch, name="branch"),
    path("supervision/spot-checks/", views.spot_check_list, name="spot-check-list"),
    path("supervision/spot-checks/new/", views.spot_check_draw, name="spot-check-draw"),
    path("supervision/spot-checks/<int:pk>/", views.spot_check_detail,
         name="spot-check-detail"),
    path("supervision/spot-checks/<int:pk>/items/<int:item_pk>/", views.spot_check_record,
         name="spot-check-record"),
]
