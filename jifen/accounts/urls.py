from django.urls import path

from jifen.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:pk>/reset-password/", views.user_reset_password,
         name="user-reset-password"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
]
