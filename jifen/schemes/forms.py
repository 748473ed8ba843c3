from decimal import Decimal

from django import forms

from jifen import engine
from jifen.core.forms import BootstrapMixin
from jifen.engine.cli import parse_json
from jifen.org.models import Organization
from jifen.schemes.editing import MEMBER_CATEGORY_TITLES

HALF = Decimal("0.5")


def half_points(value: Decimal | None) -> None:
    if value is not None and value % HALF != 0:
        raise forms.ValidationError("分值须为 0.5 的整数倍。")


class PointsField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(validators=[half_points], **kwargs)
        self.widget.attrs["step"] = "0.5"


class CreateSchemeForm(BootstrapMixin, forms.Form):
    SOURCES = [("preset", "从预设方案创建"), ("derive", "在上级方案基础上细化（派生）"),
               ("import", "导入 JSON 方案文件")]
    org = forms.ModelChoiceField(label="组织", queryset=Organization.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source = forms.ChoiceField(label="方式", choices=SOURCES, widget=forms.RadioSelect)
    preset = forms.ChoiceField(label="预设方案", required=False, choices=[
        ("jining-2017", "济宁学院党员亮化记分（2017，按年记分，基础分 80）"),
        ("chuxiong-2019", "楚雄师范学院党员积分制（2019，按月记分，基础分 60）"),
    ])
    file = forms.FileField(label="方案文件（JSON）", required=False,
                           help_text="与“导出 JSON”得到的文件格式相同。")

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs if orgs is not None else Organization.objects.none()
        self.fields["source"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        data = super().clean()
        if data.get("source") == "import" and not data.get("file"):
            self.add_error("file", "导入时请选择方案文件。")
        if data.get("source") == "preset" and not data.get("preset"):
            self.add_error("preset", "请选择预设方案。")
        return data


class SettingsForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="方案名称", max_length=100)
    base = PointsField(label="基础分")
    floor = PointsField(label="最低分（扣完为止）")
    ceiling = PointsField(label="最高分", required=False, help_text="留空表示不设上限。")
    publicity_days = forms.IntegerField(label="公示天数", min_value=1, max_value=30)


class ItemForm(BootstrapMixin, forms.Form):
    code = forms.RegexField(label="项目编号", regex=r"^[A-Za-z0-9-]{2,20}$", max_length=20,
                            error_messages={"invalid": "编号只能由字母、数字和连字符组成。"})
    title = forms.CharField(label="项目名称", max_length=200)
    description = forms.CharField(label="说明", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    category = forms.ChoiceField(label="类别")
    min = PointsField(label="每次最低分值")
    max = PointsField(label="每次最高分值")
    cap_per_period = PointsField(label="本项目每期上限", required=False,
                                 help_text="按年记分的方案为每年上限，按月记分的为每月上限；"
                                           "留空表示不设。")
    applies_to = forms.MultipleChoiceField(label="适用党员", widget=forms.CheckboxSelectMultiple,
                                           choices=list(MEMBER_CATEGORY_TITLES.items()))
    evidence_required = forms.BooleanField(label="须提供证明材料", required=False)
    declarable = forms.BooleanField(label="党员可本人申报", required=False)
    needs_general_branch_approval = forms.BooleanField(label="须经党总支审核", required=False)
    marks_no_identity = forms.BooleanField(label="属于“未主动亮明身份”情形", required=False)

    def __init__(self, *args, definition=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c["key"], c["title"])
                                           for c in (definition or {}).get("categories", [])]
        self.existing_codes = {i["code"] for i in (definition or {}).get("items", [])}
        self.editing = editing
        if editing:
            self.fields["code"].disabled = True

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not self.editing and code in self.existing_codes:
            raise forms.ValidationError(f"编号 {code} 已存在。")
        return code


class CategoryForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="类别名称", max_length=100)
    cap_per_period = PointsField(label="每期上限", required=False, help_text="留空表示不设上限。")


class GradesForm(BootstrapMixin, forms.Form):
    """One title (and threshold, rank share where the rule has them) per grade rule."""

    def __init__(self, *args, definition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = (definition or {}).get("grades", [])
        for rule in self.rules:
            key = rule["key"]
            self.fields[f"{key}__title"] = forms.CharField(label=f"{key} 名称", max_length=50,
                                                           initial=rule["title"])
            bound = rule.get("min_total", rule.get("max_total_below"))
            if bound is not None:
                label = "总分不低于" if "min_total" in rule else "总分低于"
                self.fields[f"{key}__threshold"] = PointsField(label=label, initial=bound,
                                                               decimal_places=2)
            if "rank" in rule:
                side, share = next(iter(rule["rank"].items()))
                self.fields[f"{key}__share"] = forms.DecimalField(
                    label="排名前" if side == "top" else "排名后", initial=share,
                    min_value=Decimal("0.01"), max_value=Decimal(1), decimal_places=2,
                    help_text="比例，如 0.30 表示 30%。")

    def changes(self) -> dict[str, dict]:
        data = self.cleaned_data
        return {rule["key"]: {"title": data[f"{rule['key']}__title"],
                              "threshold": data.get(f"{rule['key']}__threshold"),
                              "share": data.get(f"{rule['key']}__share")}
                for rule in self.rules}

    def grouped(self):
        for rule in self.rules:
            yield rule, [self[name] for name in self.fields if name.startswith(f"{rule['key']}__")]


def parse_scheme_file(upload) -> dict:
    """Read an uploaded JSON scheme; a bad file is a form error, never a crash."""
    if upload.size > 1024 * 1024:
        raise forms.ValidationError("方案文件不能超过 1 MB。")
    try:
        data = parse_json(upload.read().decode("utf-8"))
    except UnicodeDecodeError as e:
        raise forms.ValidationError("文件不是 UTF-8 编码的文本。") from e
    except engine.EngineError as e:
        raise forms.ValidationError(e.problems) from e
    if not isinstance(data, dict):
        raise forms.ValidationError("方案文件应为一个 JSON 对象。")
    try:
        engine.scheme_from_dict(data)
    except engine.EngineError as e:
        raise forms.ValidationError(e.problems) from e
    return data
