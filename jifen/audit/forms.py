from django import forms

from jifen.audit.models import Result
from jifen.audit.queries import ACTION_KINDS, Filters
from jifen.core.forms import BootstrapMixin

DATE_HINT = "2025-01-31"


def _date_field(label: str) -> forms.DateField:
    # A text box, not type="date": a date the server rejects is shown back exactly as typed.
    return forms.DateField(
        label=label, required=False, input_formats=["%Y-%m-%d"],
        error_messages={"invalid": f"“{label}”不是有效的日期，请按 {DATE_HINT} 的格式填写。"},
        widget=forms.TextInput(attrs={"placeholder": f"{label} {DATE_HINT}",
                                      "inputmode": "numeric", "autocomplete": "off"}),
    )


def _text_field(label: str, placeholder: str) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=80,
        error_messages={"max_length": f"“{label}”最多 %(limit_value)d 个字符。"},
        widget=forms.TextInput(attrs={"placeholder": placeholder}),
    )


class AuditFilterForm(BootstrapMixin, forms.Form):
    actor = _text_field("操作人", "操作人用户名或姓名")
    date_from = _date_field("起始日期")
    date_to = _date_field("截止日期")
    kind = forms.ChoiceField(label="类型", required=False,
                             choices=[("", "全部类型"), *ACTION_KINDS],
                             error_messages={"invalid_choice": "“类型”不是可选的操作类型。"})
    action = _text_field("操作代码", "操作代码前缀，如 org.member")
    result = forms.ChoiceField(label="结果", required=False,
                               choices=[("", "全部结果"), *Result.choices],
                               error_messages={"invalid_choice": "“结果”只能是成功或失败。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # BootstrapMixin: classes, and is-invalid on errors
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] += f" {css}-sm"
            field.widget.attrs["aria-label"] = field.label

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "“截止日期”不能早于“起始日期”。")
        return data

    def filters(self) -> Filters:
        """The validated filters (call after is_valid())."""
        data = self.cleaned_data
        return Filters(actor=data["actor"].strip(), date_from=data["date_from"],
                       date_to=data["date_to"], kind=data["kind"],
                       action=data["action"].strip(), result=data["result"])

    def used(self) -> dict[str, str]:
        """The filters as given (typed text, even when rejected), for the audit row."""
        return {name: str(self.data[name])[:100] for name in self.fields if self.data.get(name)}

    def describe(self) -> str:
        """"操作人=张三；结果=失败", for the heading of an export (call after is_valid())."""
        parts = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value:
                shown = dict(field.choices).get(value, value) if name in ("kind", "result") \
                    else value
                parts.append(f"{field.label}={shown}")
        return "；".join(parts) or "无"
