"""What every API router shares: errors in the API.md shape, pagination, access helpers."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from jifen.core.errors import ConflictError


class ErrorItem(Schema):
    field: str
    message: str


class Error(Schema):
    detail: str
    errors: list[ErrorItem] = []


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error}


def error_response(api, request, status: int, detail: str, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def install_error_handlers(api) -> None:
    def django_validation(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [{"field": field, "message": message}
                      for field, messages in exc.message_dict.items() for message in messages]
        else:
            errors = [{"field": "", "message": m} for m in exc.messages]
        return error_response(api, request, 400, "输入有误，请检查。", errors)

    def ninja_validation(request, exc: NinjaValidationError):
        errors = [{"field": _field_name(e.get("loc", [])), "message": _chinese(e)}
                  for e in exc.errors]
        return error_response(api, request, 400, "输入有误，请检查。", errors)

    api.add_exception_handler(DjangoValidationError, django_validation)
    api.add_exception_handler(NinjaValidationError, ninja_validation)
    api.add_exception_handler(
        AuthenticationError, lambda r, e: error_response(api, r, 401, "未登录或令牌无效、已过期。"))
    api.add_exception_handler(
        PermissionDenied, lambda r, e: error_response(api, r, 403, str(e) or "无权执行此操作。"))
    api.add_exception_handler(
        Http404, lambda r, e: error_response(api, r, 404, "不存在，或不在您的查看范围内。"))
    api.add_exception_handler(
        ConflictError, lambda r, e: error_response(api, r, 409, e.message))
    api.add_exception_handler(Throttled, lambda r, e: _throttled(api, r, e))
    api.add_exception_handler(
        HttpError, lambda r, e: error_response(api, r, e.status_code, str(e.message)))


def _throttled(api, request, error: Throttled):
    wait = int(error.wait or 60)
    response = error_response(api, request, 429, f"请求过于频繁，请 {wait} 秒后再试。")
    response["Retry-After"] = str(wait)
    return response


def _field_name(loc) -> str:
    # ("body", "payload", "gender") → "gender"; ("query", "year") → "year"
    parts = [str(p) for p in loc[1:]]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _chinese(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "必填。"
    if kind.startswith("int") or kind.startswith("float"):
        return "应为数字。"
    if kind.startswith("date"):
        return "应为 YYYY-MM-DD 格式的日期。"
    if kind.startswith("string"):
        return "应为文本。"
    if kind.startswith("enum") or kind == "literal_error":
        return f"取值无效：{error.get('msg', '')}"
    return error.get("msg", "无效的值。")


class Page(Schema):
    count: int
    items: list[Any]


def paginate(queryset: QuerySet, page: int, size: int, convert) -> dict:
    size = max(1, min(size, 200))
    page = max(1, page)
    count = queryset.count()
    rows = queryset[(page - 1) * size: page * size]
    return {"count": count, "items": [convert(row) for row in rows]}


def get_visible_or_404(queryset: QuerySet, pk: int):
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj
