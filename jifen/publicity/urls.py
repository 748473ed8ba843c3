from django.urls import path

from jifen.publicity import views

app_name = "publicity"
urlpatterns = [
    path("publicity/", views.window_list, name="list"),
    path("publicity/new/", views.window_open, name="open"),
    path("publicity/<int:pk>/", views.window_detail, name="detail"),
    path("publicity/<int:pk>/close/", views.window_close, name="close"),
    path("board/<str:token>/", views.board, name="board"),
    path("ledger/<int:entry_pk>/object/", views.objection_create, name="objection-create"),
    path("publicity/<int:pk>/members/<int:member_pk>/object/", views.total_objection_create,
         name="total-objection-create"),
    path("objections/", views.objection_list, name="objection-list"),
    path("objections/<int:pk>/", views.objection_detail, name="objection-detail"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection-answer"),
    path("objections/<int:pk>/escalate/", views.objection_escalate, name="objection-escalate"),
    path("objections/<int:pk>/rule/", views.objection_rule, name="objection-rule"),
]
