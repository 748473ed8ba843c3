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


class TwoFactorCodeForm(BootstrapMixin, forms.Form):
    """A six-digit code from the authenticator app, or one backup code (备用码)."""

    code = forms.CharField(
        label="验证码", max_length=20, strip=True,
        error_messages={"required": "请填写验证码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "spellcheck": "false", "autocapitalize": "off"}),
    )


class ReauthForm(BootstrapMixin, forms.Form):
    """Reason plus password (and a 2FA code when enrolled) before personal data is shown.

    The password and code are checked in clean(), through reauth.reauthenticate, which audits
    failures; the form never renders them back.
    """

    reason = forms.CharField(label="查看理由", min_length=4, max_length=200,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：核对组织关系转接材料。理由会记入审计日志。",
                             error_messages={"required": "请填写查看理由。",
                                             "min_length": "查看理由至少 4 个字。"})
    password = forms.CharField(label="登录密码", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}),
                               error_messages={"required": "请再次输入登录密码。"})
    otp = forms.CharField(label="动态验证码", required=False, max_length=20,
                          widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                        "inputmode": "numeric"}))

    def __init__(self, *args, user, purpose: str, **kwargs):
        super().__init__(*args, **kwargs)
        from jifen.accounts import twofactor

        self.user, self.purpose = user, purpose
        if not twofactor.has_device(user):
            del self.fields["otp"]

    def clean(self):
        from jifen.accounts.reauth import reauthenticate

        cleaned = super().clean()
        if self.errors:  # no password check for an incomplete form: it would count a failure
            return cleaned
        errors = reauthenticate(self.user, password=cleaned.get("password", ""),
                                otp=cleaned.get("otp", ""), purpose=self.purpose)
        for field, message in errors.items():
            self.add_error(field, message)
        return cleaned
