from django import forms

from jifen.core import clock
from jifen.core.forms import BootstrapMixin
from jifen.supervision import sampling
from jifen.supervision.enums import CheckResult
from jifen.supervision.services import MAX_SAMPLE


def year_choices() -> list[tuple[int, str]]:
    this_year = clock.today().year
    return [(y, f"{y} 年") for y in range(this_year, this_year - 4, -1)]


class DrawForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(label="抽查范围", queryset=None, empty_label=None)
    year = forms.TypedChoiceField(label="年度", coerce=int)
    size = forms.IntegerField(label="抽查数量", min_value=1, max_value=MAX_SAMPLE, initial=10,
                              help_text="从范围内该年度已认定的记录中随机抽取。")
    seed = forms.IntegerField(label="随机种子", required=False, min_value=0,
                              max_value=sampling.MAX_SEED,
                              help_text="留空则随机生成。填入以往抽查的种子，可在数据不变时复现同一样本。")
    note = forms.CharField(label="抽查说明", required=False, max_length=200)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = clock.results_year()


class ResultForm(BootstrapMixin, forms.Form):
    result = forms.ChoiceField(label="核查结果", widget=forms.RadioSelect, choices=[
        (r.value, r.label) for r in (CheckResult.FINE, CheckResult.PROBLEM)])
    note = forms.CharField(label="核查说明", required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="发现问题时必填。")
