"""RFC 9457 problem details for every error, localised (Chinese by default, English on
``Accept-Language: en``), with a stable ``type`` per code and pointers to the offending input."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import DomainError, ErrorKind, FieldError, Throttled
from app.domain.messages import render

log = logging.getLogger("lianjian.errors")

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:lianjian:problem:"

STATUS: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 422,
    ErrorKind.RULE: 422,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.PRECONDITION_FAILED: 412,
    ErrorKind.PRECONDITION_REQUIRED: 428,
    ErrorKind.THROTTLED: 429,
    ErrorKind.UPSTREAM: 502,
}

# Short per-field texts for pydantic's error types: (zh, en).
_PYDANTIC_TEXT: dict[str, tuple[str, str]] = {
    "missing": ("缺少此字段", "Field required"),
    "extra_forbidden": ("不支持此字段", "Field not supported"),
    "string_too_short": ("过短（至少 {min_length} 个字符）", "Too short (at least {min_length})"),
    "string_too_long": ("过长（最多 {max_length} 个字符）", "Too long (at most {max_length})"),
    "string_type": ("应为字符串", "Must be a string"),
    "string_pattern_mismatch": ("格式不符", "Does not match the expected format"),
    "string_unstorable": ("不能含有 NUL 字符", "Must not contain a NUL character"),
    "int_parsing": ("应为整数", "Must be an integer"),
    "int_type": ("应为整数", "Must be an integer"),
    "int_from_float": ("应为整数", "Must be an integer"),
    "bool_parsing": ("应为 true 或 false", "Must be true or false"),
    "bool_type": ("应为 true 或 false", "Must be true or false"),
    "greater_than_equal": ("应不小于 {ge}", "Must be at least {ge}"),
    "greater_than": ("应大于 {gt}", "Must be greater than {gt}"),
    "less_than_equal": ("应不大于 {le}", "Must be at most {le}"),
    "less_than": ("应小于 {lt}", "Must be less than {lt}"),
    "enum": ("应为以下之一：{expected}", "Must be one of: {expected}"),
    "literal_error": ("应为以下之一：{expected}", "Must be one of: {expected}"),
    "date_from_datetime_parsing": ("应为日期（YYYY-MM-DD）", "Must be a date (YYYY-MM-DD)"),
    "date_parsing": ("应为日期（YYYY-MM-DD）", "Must be a date (YYYY-MM-DD)"),
    "date_type": ("应为日期（YYYY-MM-DD）", "Must be a date (YYYY-MM-DD)"),
    "json_invalid": ("JSON 格式错误", "Malformed JSON"),
    "model_attributes_type": ("应为 JSON 对象", "Must be a JSON object"),
    "dict_type": ("应为 JSON 对象", "Must be a JSON object"),
    "list_type": ("应为数组", "Must be an array"),
    "decimal_parsing": ("应为十进制数字字符串", "Must be a decimal string"),
    "value_error": ("{error}", "{error}"),
}


def language(request: Request) -> str:
    header = request.headers.get("accept-language", "")
    first = header.split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    params: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    lang = language(request)
    request_id = getattr(request.state, "request_id", "-")
    title, detail = render(code, {"request_id": request_id, **(params or {})}, lang)
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
        "request_id": request_id,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    out_headers = {"Content-Language": "en" if lang == "en" else "zh-CN", **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=out_headers)


def _field_entry(err: FieldError, lang: str, params: dict[str, Any]) -> dict[str, Any]:
    # A field error without parameters of its own shares the error's (e.g. the missing id).
    _, detail = render(err.code, err.params or params, lang)
    entry: dict[str, Any] = {"code": err.code, "detail": detail}
    if err.pointer is not None:
        entry["pointer"] = err.pointer
    if err.parameter is not None:
        entry["parameter"] = err.parameter
    if err.header is not None:
        entry["header"] = err.header
    return entry


def domain_error_response(request: Request, exc: DomainError) -> JSONResponse:
    lang = language(request)
    status = STATUS[exc.kind]
    if exc.kind is ErrorKind.INVALID and exc.fields and all(f.pointer is None for f in exc.fields):
        status = 400  # a bad query parameter or header, not a bad body
    headers = {}
    if isinstance(exc, Throttled):
        headers["Retry-After"] = str(exc.retry_after)
        exc.params.setdefault("retry_after", exc.retry_after)
    if exc.kind is ErrorKind.UNAUTHENTICATED:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return problem_response(
        request,
        status=status,
        code=exc.code,
        params=exc.params,
        errors=[_field_entry(f, lang, exc.params) for f in exc.fields] or None,
        extra=exc.extra,
        headers=headers,
    )


def _pointer(loc: tuple[Any, ...]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def validation_entries(exc: RequestValidationError, lang: str) -> tuple[list[dict[str, Any]], bool]:
    entries: list[dict[str, Any]] = []
    in_body = False
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        kind = err.get("type", "value_error")
        zh, en = _PYDANTIC_TEXT.get(kind, (None, None))
        ctx = {k: str(v) for k, v in (err.get("ctx") or {}).items()}
        text = en if lang == "en" else zh
        try:
            detail = text.format(**ctx) if text else str(err.get("msg"))
        except (KeyError, IndexError):
            detail = str(err.get("msg"))
        entry: dict[str, Any] = {"code": f"validation.{kind}", "detail": detail}
        where, rest = (loc[0], loc[1:]) if loc else ("body", ())
        if where == "body":
            in_body = True
            entry["pointer"] = _pointer(rest)
        elif where == "header":
            entry["header"] = str(rest[0]) if rest else ""
        else:  # query or path
            entry["parameter"] = str(rest[0]) if rest else ""
        entries.append(entry)
    return entries, in_body


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return domain_error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        entries, in_body = validation_entries(exc, language(request))
        if any(e["code"] == "validation.json_invalid" for e in entries):
            return problem_response(
                request, status=400, code="request.malformed_json", errors=entries
            )
        # Body content is a 422 (understood but unacceptable); a bad query/header is a 400.
        return problem_response(
            request, status=422 if in_body else 400, code="request.validation", errors=entries
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: "request.not_found",
            405: "request.method_not_allowed",
            413: "request.body_too_large",
        }.get(exc.status_code, "request.validation")
        return problem_response(
            request, status=exc.status_code, code=code, headers=dict(exc.headers or {})
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The detail never carries the exception text: it may hold personal data or SQL.
        log.error("unhandled error", exc_info=(type(exc), exc, exc.__traceback__))
        return problem_response(request, status=500, code="internal")
