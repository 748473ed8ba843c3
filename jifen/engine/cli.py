"""`jifen compute CASE.json` (or `-` for standard input): check a scheme's arithmetic by hand.

On success the result JSON goes to stdout (exit 0). On any problem, one line per problem goes to
stderr, nothing to stdout, and the exit status is 2 (ENGINE.md).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

from .case import parse_case, result_to_dict
from .compute import compute
from .errors import EngineError

USAGE = "用法：jifen compute CASE.json   （或用 - 从标准输入读取案例）"

# The messages of json.JSONDecodeError, in the words the user reads; anything else is shown as is.
_JSON_ERRORS = {
    "Expecting value": "此处应为一个值",
    "Expecting property name enclosed in double quotes": "此处应为用双引号括起的字段名",
    "Expecting ':' delimiter": "此处应为冒号 :",
    "Expecting ',' delimiter": "此处应为逗号 ,",
    "Extra data": "JSON 结束后还有多余内容",
    "Unterminated string starting at": "从此处开始的字符串没有结束",
    "Invalid control character at": "字符串中有不允许的控制字符",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\uXXXX 转义符",
    "Illegal trailing comma before end of object": "对象末尾多了逗号",
    "Illegal trailing comma before end of array": "数组末尾多了逗号",
}


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects keep their last duplicate key by default; a case must not lose data that way."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise EngineError(f'同一对象中字段 "{key}" 出现了两次')
        data[key] = value
    return data


def _refuse_constant(name: str) -> None:
    raise EngineError(f"{name} 不是有效数字")


def _unreadable(error: OSError | UnicodeDecodeError) -> str:
    """Why a case file cannot be read, in the user's words."""
    if isinstance(error, UnicodeDecodeError):
        return "文件不是 UTF-8 编码的文本"
    if isinstance(error, FileNotFoundError):
        return "文件不存在"
    if isinstance(error, IsADirectoryError):
        return "这是一个目录，不是文件"
    if isinstance(error, PermissionError):
        return "没有读取权限"
    return f"{error.strerror or error}"


def _json_error(error: json.JSONDecodeError) -> str:
    """Where the JSON breaks and what was expected there, in the user's words."""
    what = _JSON_ERRORS.get(error.msg, error.msg)
    return f"第 {error.lineno} 行第 {error.colno} 列，{what}"


def _read_case(source: str) -> Any:
    """Read and parse the case JSON, numbers kept exact (Decimal, never float)."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as file:
                text = file.read()
    except (OSError, UnicodeDecodeError) as error:
        raise EngineError(f"{source}: 无法读取文件：{_unreadable(error)}") from error
    try:
        return parse_json(text)
    except EngineError as error:
        raise EngineError(f"{source}: {p}" for p in error.problems) from error


def parse_json(text: str) -> Any:
    """Parse case or scheme JSON strictly: numbers exact (Decimal, never float), no NaN, no
    duplicate keys; a syntax error says where, in the user's words (EngineError)."""
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_refuse_constant,
            object_pairs_hook=_object_without_duplicates,
        )
    except json.JSONDecodeError as error:
        raise EngineError(f"不是有效的 JSON：{_json_error(error)}") from error


def run(source: str) -> dict[str, Any]:
    """Compute the case in `source` (a path, or "-" for stdin) into its result dict."""
    scheme, year, members, entries = parse_case(_read_case(source))
    return result_to_dict(compute(scheme, year, members, entries))


def main(argv: list[str] | None = None) -> int:
    """Run `compute` on the one case named in `argv` (the words after "jifen compute")."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or (args[0].startswith("-") and args[0] != "-"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        result = run(args[0])
    except EngineError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0
