from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from jifen.core.forms import BootstrapMixin

# One message for unknown user, wrong password and locked account: telling them apart would let
# anyone probe which usernames exist or are locked.
LOGIN_FAILED = "用户名或密码不正确，或账户已被暂时锁定（连续输错 5 次将锁定 30 分钟）。"


class LoginForm(BootstrapMixin, AuthenticationForm):
    error_messages = {"invalid_login": LOGIN_FAILED, "inactive": LOGIN_FAILED}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class ChangePasswordForm(BootstrapMixin, PasswordChangeForm):
    """Old password, new password twice; the policy's validators check the new one."""

    error_messages = {
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in [("old_password", "原密码"), ("new_password1", "新密码"),
                            ("new_password2", "再次输入新密码")]:
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = f"请填写{label}。"
        self.fields["new_password2"].help_text = "请再输入一次新密码，以便核对。"


class UserFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50)
