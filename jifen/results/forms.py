from django import forms

from jifen.core import clock
from jifen.core.forms import BootstrapMixin, DateInput
from jifen.org.models import Member


class AppraisalForm(BootstrapMixin, forms.Form):
    member = forms.ModelChoiceField(label="党员", queryset=Member.objects.none(),
                                    widget=forms.HiddenInput)
    grade = forms.CharField(label="评定等次", max_length=30)  # checked against the scheme
    reason = forms.CharField(label="理由（与建议不同时必填）", required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else Member.objects.none()


class TalkForm(BootstrapMixin, forms.Form):
    member = forms.ModelChoiceField(label="谈话对象", queryset=Member.objects.none())
    held_on = forms.DateField(label="谈话日期", widget=DateInput())
    by = forms.CharField(label="谈话人", max_length=100)
    notes = forms.CharField(label="谈话情况", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else Member.objects.none()
        self.fields["held_on"].initial = clock.today()


class DisposalForm(BootstrapMixin, forms.Form):
    member = forms.ModelChoiceField(label="党员", queryset=Member.objects.none())
    decision = forms.CharField(label="处置决定", widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="如：限期改正、劝其退党、除名等（依据中组发〔2014〕21号）。")
    decided_on = forms.DateField(label="决定日期", widget=DateInput())

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members if members is not None else Member.objects.none()
        self.fields["decided_on"].initial = clock.today()


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))
