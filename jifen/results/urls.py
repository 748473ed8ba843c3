from django.urls import path

from jifen.results import views

app_name = "results"
urlpatterns = [
    path("results/", views.branch_results, name="branch"),
    path("results/appraise/", views.appraise, name="appraise"),
    path("results/talk/", views.talk, name="talk"),
    path("results/disposal/", views.disposal, name="disposal"),
    path("results/annual-publicity/", views.annual_publicity, name="annual-publicity"),
    path("results/submit/", views.submit, name="submit"),
    path("results/file/", views.file, name="file"),
    path("results/return/", views.return_, name="return"),
    path("results/reopen/", views.reopen, name="reopen"),
    path("results/lists/", views.lists, name="lists"),
]
