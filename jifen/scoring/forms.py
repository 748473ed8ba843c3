from django import forms

from jifen.core import clock
from jifen.core.forms import BootstrapMixin, DateInput
from jifen.org.enums import RankingVisibility
from jifen.org.models import Member
from jifen.schemes.forms import PointsField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def item_choices(definition: dict, *, category: str | None = None,
                 declarable_only: bool = False) -> list:
    """Items grouped by category for a <select>, as "A-J04 主动参与奉献社会（1–5 分）"."""
    groups = []
    for cat in definition.get("categories", []):
        options = [
            (i["code"], f"{i['code']} {i['title']}（{_range(i)} 分）")
            for i in definition.get("items", [])
            if i["category"] == cat["key"] and (not declarable_only or i["declarable"])
            and (category is None or category in i["applies_to"])
        ]
        if options:
            groups.append((cat["title"], options))
    return groups


def _range(item: dict) -> str:
    return item["min"] if item["min"] == item["max"] else f"{item['min']}–{item['max']}"


class EntryForm(BootstrapMixin, forms.Form):
    member = forms.ModelChoiceField(label="党员", queryset=Member.objects.none())
    item = forms.ChoiceField(label="记分项目")
    points = PointsField(label="分值",
                         help_text="正数；扣分项目也填正数，类别决定加减。一票否决项目填 0。")
    occurred_on = forms.DateField(label="发生日期", widget=DateInput())
    reason = forms.CharField(label="事由说明", widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label="证明材料", required=False,
                              help_text="jpg、png、pdf、docx、xlsx，每个不超过 10 MB。")

    def __init__(self, *args, members=None, definition=None, declare=False, **kwargs):
        super().__init__(*args, **kwargs)
        if declare:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = (
                members if members is not None else Member.objects.none())
        self.fields["item"].choices = [("", "请选择")] + item_choices(
            definition or {}, declarable_only=declare)
        self.fields["occurred_on"].initial = clock.today()


class BatchForm(BootstrapMixin, forms.Form):
    """One event, many members: e.g. everyone who missed a meeting gets the same deduction."""

    item = forms.ChoiceField(label="记分项目")
    points = PointsField(label="每人分值")
    occurred_on = forms.DateField(label="发生日期", widget=DateInput())
    reason = forms.CharField(label="事由说明（各条记录相同）",
                             widget=forms.Textarea(attrs={"rows": 2}))
    members = forms.ModelMultipleChoiceField(label="党员", queryset=Member.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members=None, definition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members if members is not None else Member.objects.none()
        self.fields["item"].choices = [("", "请选择")] + item_choices(definition or {})
        self.fields["occurred_on"].initial = clock.today()


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("pass", "通过"), ("reject", "不通过")])
    reason = forms.CharField(required=False)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label="证明材料")


class BranchSettingsForm(BootstrapMixin, forms.Form):
    ranking_visibility = forms.ChoiceField(
        label="党员可见的排名", choices=RankingVisibility.choices, widget=forms.RadioSelect,
        help_text="“仅本人名次”：党员只看到自己的名次；“不显示排名”：党员看不到任何名次。"
                  "支部书记、支委始终能看到完整排名。")


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
