from django import forms

from jifen.commitments.enums import CommitmentKind, Outcome, PostKind
from jifen.core import clock
from jifen.core.forms import BootstrapMixin, DateInput
from jifen.org.models import Member

TEXT = {"rows": 3, "maxlength": 1000}


class CommitmentForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)
    kind = forms.ChoiceField(label="承诺类别", choices=[("", "请选择"), *CommitmentKind.choices],
                             help_text="共性承诺：按党章党规和学习教育要求；岗位承诺：结合岗位职责；"
                                       "实事承诺：结合服务师生、奉献社会，每名党员每年至少 1 件。")
    content = forms.CharField(label="承诺内容", widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        year = clock.today().year
        self.fields["year"].choices = [(year, f"{year} 年"), (year + 1, f"{year + 1} 年")]
        if editing:
            del self.fields["year"]


class ReportForm(BootstrapMixin, forms.Form):
    content = forms.CharField(label="践诺情况", widget=forms.Textarea(attrs=TEXT),
                              help_text="做了什么、何时、效果如何；支部核实后记入承诺的践诺记录。")
    reported_on = forms.DateField(label="日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = clock.today()


class OutcomeForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label="年终评定", choices=[("", "请选择"), *Outcome.choices])
    note = forms.CharField(label="评定说明", required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
                           help_text="部分兑现或未兑现时必填。")
    decided_on = forms.DateField(label="评定日期", widget=DateInput(),
                                 help_text="须在承诺年度内；转为扣分记录时即为发生日期。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = clock.today()


class PostForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类别", choices=PostKind.choices)
    name = forms.CharField(label="名称", max_length=100)
    place = forms.CharField(label="地点", max_length=100, required=False)
    duties = forms.CharField(label="职责", widget=forms.Textarea(attrs=TEXT))
    member_ids = forms.ModelMultipleChoiceField(label="党员", queryset=Member.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_ids"].queryset = (
            members if members is not None else Member.objects.none())


class YearReportForm(BootstrapMixin, forms.Form):
    content = forms.CharField(label="述职内容", widget=forms.Textarea(
        attrs={"rows": 8, "maxlength": 1000}),
        help_text="一年来履行党员义务、践行承诺、立足岗位作贡献的情况和不足，1000 字以内。")


class RemarkForm(BootstrapMixin, forms.Form):
    remark = forms.CharField(label="支部评语", widget=forms.Textarea(attrs=TEXT))
