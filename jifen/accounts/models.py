from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class User(AbstractUser):
    """A login. Chinese names are one field; a member's account links to its Member record."""

    name = models.CharField("姓名", max_length=50, blank=True)
    must_change_password = models.BooleanField("首次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Part of every session's auth hash: raising it ends all of this user's sessions at their
    # next request (logout everywhere, disabling). A password change does the same by itself.
    session_version = models.PositiveIntegerField("会话版本", default=0, editable=False)

    _was_active = True  # is_active as loaded from the database; see save()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.name or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._was_active = user.__dict__.get("is_active", True)
        return user

    def save(self, *args, **kwargs):
        """Save; a new password also stamps password_changed_at and joins the history, and
        disabling the user ends their sessions (so re-enabling does not revive them)."""
        password_set = self._password is not None  # set_password() was called (not a rehash)
        extra = set()
        if password_set:
            self.password_changed_at = timezone.now()
            extra.add("password_changed_at")
        if self.pk is not None and self._was_active and not self.is_active:
            self.session_version += 1
            extra.add("session_version")
        if extra and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *extra}
        super().save(*args, **kwargs)
        self._was_active = self.is_active
        if password_set:
            PasswordHistory.remember(self)

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str | None = None) -> str:
        # Django's own hash covers only the password; ours adds the session version.
        return salted_hmac(
            "jifen.accounts.models.User.get_session_auth_hash",
            f"{self.password}|{self.session_version}", secret=secret, algorithm="sha256",
        ).hexdigest()


class PasswordHistory(models.Model):
    """A user's recent password hashes (the current one included), so none is reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)  # a hash, in the configured hasher's format
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "历史密码"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"

    @classmethod
    def remember(cls, user: User) -> None:
        """Store the user's current hash; keep only the newest JIFEN_PASSWORD_HISTORY."""
        keep = settings.JIFEN_PASSWORD_HISTORY
        if keep <= 0:
            return
        cls.objects.create(user=user, password=user.password)
        old = cls.objects.filter(user=user).order_by("-id").values_list("id", flat=True)[keep:]
        cls.objects.filter(pk__in=list(old)).delete()


class ApiToken(models.Model):
    """A bearer token for the REST API: only its SHA-256 is stored; it expires, can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"

    def __str__(self) -> str:
        return f"{self.user} 的令牌（{self.created_at:%Y-%m-%d}）"


class BackupCode(models.Model):
    """One of a user's single-use two-factor backup codes (备用码), for a lost phone.

    Only a keyed hash is stored (jifen.accounts.twofactor.hash_backup_code); a used code keeps
    its row, with used_at set, until the set is regenerated.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "两步验证备用码"
        verbose_name_plural = "两步验证备用码"
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="backup_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} 的备用码（{'已使用' if self.used_at else '未使用'}）"
