from django import forms

from jifen.core.forms import BootstrapMixin
from jifen.imports.layouts import MAX_BYTES, MAX_ROWS
from jifen.org.models import Organization


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text=f"按模板填写；不超过 {MAX_BYTES // 1024 // 1024} MB、{MAX_ROWS} 行数据。"
                  "上传后先预览，确认后才导入。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class EntryUploadForm(UploadForm):
    branch = forms.ModelChoiceField(label="支部", queryset=Organization.objects.none(),
                                    empty_label=None)

    field_order = ["branch", "file"]

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches if branches is not None else \
            Organization.objects.none()
