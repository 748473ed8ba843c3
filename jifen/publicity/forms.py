from django import forms

from jifen.core import clock
from jifen.core.forms import BootstrapMixin, DateInput
from jifen.org.models import Organization


class OpenWindowForm(BootstrapMixin, forms.Form):
    branch = forms.ModelChoiceField(label="支部", queryset=Organization.objects.none())
    title = forms.CharField(label="公示标题", max_length=100, required=False,
                            help_text="留空则为“某年某月积分公示”。")
    starts_on = forms.DateField(label="公示开始", widget=DateInput())
    days = forms.IntegerField(label="公示天数", min_value=1, max_value=30, required=False,
                              help_text="留空则按计分方案（一般为 5 天）。")
    public_board = forms.BooleanField(label="生成公开公示栏链接（仅姓名和分值，供张贴或转发）",
                                      required=False)

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = (
            branches if branches is not None else Organization.objects.none())
        self.fields["starts_on"].initial = clock.today()


class ObjectionForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="异议理由", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="请说明事实和依据，支部将查核后答复。")


class AnswerForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label="查核结论", widget=forms.RadioSelect, choices=[
        ("dismissed", "异议不成立，维持原记录"), ("upheld", "异议成立，撤销该记录")])
    reply = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="申诉理由", widget=forms.Textarea(attrs={"rows": 3}))
