from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from jifen.core import clock
from jifen.core.forms import BootstrapMixin, DateInput
from jifen.org.enums import Gender, MemberCategory, MemberStatus, OrgKind, Role
from jifen.org.models import Organization

NO_ORGS = Organization.objects.none()


class OrganizationForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=OrgKind.choices)
    parent = forms.ModelChoiceField(label="上级组织", queryset=Organization.objects.none(),
                                    required=False, empty_label="（无，作为顶级党委）")

    def __init__(self, *args, parents=None, allow_root=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents if parents is not None else NO_ORGS
        self.fields["parent"].required = not allow_root


class RenameForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100)


class MemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    category = forms.ChoiceField(label="党员类别", choices=MemberCategory.choices)
    status = forms.ChoiceField(label="党员状态", choices=MemberStatus.choices)
    joined_on = forms.DateField(label="入党时间", widget=DateInput())
    staff_no = forms.CharField(label="工号/学号", max_length=30)
    phone = forms.CharField(label="手机号码", max_length=11, required=False,
                            help_text="选填。仅本人和组织部可见完整号码。")
    id_number = forms.CharField(label="身份证号码", max_length=18, required=False,
                                help_text="选填。加密保存，列表中脱敏显示。")

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not settings.JIFEN_COLLECT_ID_NUMBER:
            del self.fields["id_number"]  # neither shown nor read from a posted form
        if member is not None:
            for name, masked in (("phone", member.phone_masked),
                                 ("id_number", member.id_number_masked)):
                if name not in self.fields:
                    continue
                self.fields[name].help_text = "留空则保持不变。"
                if masked:
                    self.fields[name].widget.attrs["placeholder"] = f"已登记：{masked}"

    def clean_joined_on(self):
        value = self.cleaned_data["joined_on"]
        if value > clock.today():
            raise forms.ValidationError("入党时间不能晚于今天。")
        return value


class MemberCreateForm(MemberForm):
    branch = forms.ModelChoiceField(label="所在支部", queryset=Organization.objects.none())
    username = forms.CharField(label="登录用户名", max_length=150, required=False,
                               help_text="选填。填写后为该党员开通登录账号，首次登录须修改密码。")
    password = forms.CharField(label="初始密码", required=False, strip=False,
                               widget=forms.PasswordInput(render_value=True))

    field_order = ["branch", "name", "gender", "category", "status", "joined_on", "staff_no",
                   "phone", "id_number", "username", "password"]

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches if branches is not None else NO_ORGS

    def clean(self):
        data = super().clean()
        if data.get("username") and not data.get("password"):
            self.add_error("password", "开通账号时请设置初始密码。")
        return data


class TransferForm(BootstrapMixin, forms.Form):
    to_branch = forms.ModelChoiceField(label="转入支部", queryset=Organization.objects.none())
    on = forms.DateField(label="转接日期", widget=DateInput())

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = branches
        self.fields["on"].initial = clock.today()


class ExemptionForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="如：年老体弱、疾病等原因无活动能力（经支委会研究）。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = clock.today().year


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label="审批结果", choices=[("approve", "批准"),
                                                        ("refuse", "不予批准")])
    note = forms.CharField(label="审批意见", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RoleForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    org = forms.ModelChoiceField(label="组织", queryset=Organization.objects.none())

    def __init__(self, *args, orgs=None, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Organization.objects.none()
        if roles is not None:  # only the roles this person may grant
            self.fields["role"].choices = [(r, Role(r).label) for r in roles]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"没有用户名为 {username} 的有效账号。")
        self.user = user
        return username


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)
    branch = forms.ModelChoiceField(label="支部", queryset=Organization.objects.none(),
                                    required=False, empty_label="全部支部")
    category = forms.ChoiceField(label="类别", required=False,
                                 choices=[("", "全部类别"), *MemberCategory.choices])
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), *MemberStatus.choices])

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches if branches is not None else NO_ORGS
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"
