from django.urls import path

from jifen.accounts import twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:pk>/reset-password/", views.user_reset_password,
         name="user-reset-password"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/reset-2fa/", twofactor_views.user_reset, name="user-reset-2fa"),
    path("2fa/", twofactor_views.overview, name="2fa"),
    path("2fa/verify/", twofactor_views.verify, name="2fa-verify"),
    path("2fa/enrol/", twofactor_views.enrol, name="2fa-enrol"),
    path("2fa/backup-codes/", twofactor_views.backup_codes, name="2fa-backup-codes"),
]
