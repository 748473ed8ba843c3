from django.urls import path

from jifen.commitments.views import board, branch, member, performance, year_reports

app_name = "commitments"
urlpatterns = [
    # 我的承诺 and one commitment
    path("commitments/", member.mine, name="mine"),
    path("commitments/new/", member.create, name="create"),
    path("commitments/<int:pk>/", member.detail, name="detail"),
    path("commitments/<int:pk>/edit/", member.edit, name="edit"),
    path("commitments/<int:pk>/report/", member.report, name="report"),
    # the branch decides
    path("commitments/branch/", branch.overview, name="overview"),
    path("commitments/branch/<int:branch_pk>/publicize/", branch.publicize, name="publicize"),
    path("commitments/<int:pk>/review/", branch.review, name="review"),
    path("commitments/<int:pk>/outcome/", branch.outcome, name="outcome"),
    path("commitments/<int:pk>/deduction/", branch.deduction, name="deduction"),
    path("commitments/reports/<int:pk>/verify/", branch.verify, name="report-verify"),
    # the board, its public link, identity posts (亮明身份)
    path("commitments/board/<int:branch_pk>/", board.board, name="board"),
    path("commitments/board/<int:branch_pk>/link/", board.board_link, name="board-link"),
    path("commitments/show/<str:token>/", board.public_board, name="public-board"),
    path("commitments/posts/", board.post_list, name="post-list"),
    path("commitments/posts/new/", board.post_create, name="post-create"),
    path("commitments/posts/<int:pk>/edit/", board.post_edit, name="post-edit"),
    path("commitments/posts/<int:pk>/delete/", board.post_delete, name="post-delete"),
    # 晒出业绩
    path("commitments/performance/", performance.performance, name="performance"),
    path("commitments/performance/<int:branch_pk>/publish/", performance.performance_publish,
         name="performance-publish"),
    # 述职
    path("commitments/year-reports/", year_reports.year_report_list, name="year-reports"),
    path("commitments/year-reports/member/<int:member_pk>/", year_reports.year_report_write,
         name="year-report-write"),
    path("commitments/year-reports/<int:pk>/remark/", year_reports.year_report_remark,
         name="year-report-remark"),
]
