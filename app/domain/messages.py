"""Human text for every error code, in Chinese (default) and English.

Titles are fixed per code; details may use the error's parameters. The catalogue lives in the
domain because the words describe domain rules; the edges only pick the language.
"""

from __future__ import annotations

import contextlib
from typing import Any

# code: (zh title, en title, zh detail, en detail)
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    # requests in general
    "request.validation": (
        "请求参数有误",
        "Invalid request",
        "请求中有字段不符合要求。",
        "Some fields of the request are invalid.",
    ),
    "request.body_unstorable": (
        "请求含有无法保存的字符",
        "Unstorable character",
        "请求中含有 NUL 字符（\\u0000），无法保存。",
        "The request contains a NUL character (\\u0000), which cannot be stored.",
    ),
    "request.parameter_unstorable": (
        "查询参数含有不允许的字符",
        "Query parameter with a forbidden character",
        "查询参数 {name} 含有 NUL 字符。",
        "Query parameter {name} contains a NUL character.",
    ),
    "request.unknown_parameter": (
        "未知的查询参数",
        "Unknown query parameter",
        "不支持查询参数 {name}。",
        "Query parameter {name} is not supported.",
    ),
    "request.unknown_field": (
        "未知字段",
        "Unknown field",
        "请求体包含不支持的字段。",
        "The body has fields that are not supported.",
    ),
    "request.malformed_json": (
        "请求体不是合法的 JSON",
        "Malformed JSON body",
        "请求体无法解析为 JSON。",
        "The request body is not valid JSON.",
    ),
    "request.stale": (
        "资源已被修改",
        "Resource changed",
        "资源已被他人修改（当前版本 {current}），请重新获取后再提交。",
        "The resource changed (current version {current}); fetch it and retry.",
    ),
    "request.if_match_required": (
        "缺少 If-Match",
        "If-Match required",
        "修改此资源须带上 If-Match 头（取自 ETag）。",
        "Updating this resource needs an If-Match header (from its ETag).",
    ),
    "request.if_match_malformed": (
        "If-Match 格式错误",
        "Malformed If-Match",
        'If-Match 应为本资源的 ETag，如 "3"。',
        'If-Match must be this resource\'s ETag, e.g. "3".',
    ),
    "request.not_found": (
        "路径不存在",
        "No such path",
        "没有这个接口。",
        "There is no such endpoint.",
    ),
    "request.method_not_allowed": (
        "不支持的方法",
        "Method not allowed",
        "该接口不支持此 HTTP 方法。",
        "This endpoint does not support the method.",
    ),
    "request.body_too_large": (
        "请求体过大",
        "Body too large",
        "请求体超过了允许的大小。",
        "The request body is too large.",
    ),
    "internal": (
        "服务器内部错误",
        "Internal error",
        "服务器处理请求时出错，已记录请求号 {request_id}。",
        "The server failed to handle the request; request id {request_id} was logged.",
    ),
    # idempotency
    "idempotency.key_reused": (
        "幂等键已用于其他请求",
        "Idempotency key reused",
        "同一个 Idempotency-Key 已用于内容不同的请求。",
        "This Idempotency-Key was already used with a different request.",
    ),
    "idempotency.in_progress": (
        "请求正在处理",
        "Request in progress",
        "使用同一 Idempotency-Key 的请求仍在处理，请稍后重试。",
        "A request with this Idempotency-Key is still being processed.",
    ),
    "idempotency.key_malformed": (
        "幂等键格式错误",
        "Malformed idempotency key",
        "Idempotency-Key 应为 1 至 200 个可见字符。",
        "Idempotency-Key must be 1 to 200 visible characters.",
    ),
    # pagination
    "pagination.invalid_cursor": (
        "分页游标无效",
        "Invalid cursor",
        "cursor 参数无效，或不属于这个列表与排序。",
        "The cursor is malformed or belongs to another listing or sort.",
    ),
    "pagination.limit_out_of_range": (
        "每页数量超出范围",
        "Page size out of range",
        "limit 须在 1 到 {max} 之间。",
        "limit must be between 1 and {max}.",
    ),
    # auth
    "auth.token_missing": (
        "未提供令牌",
        "Token missing",
        "请在 Authorization 头中提供 Bearer 令牌。",
        "Send a Bearer token in the Authorization header.",
    ),
    "auth.token_invalid": (
        "令牌无效",
        "Invalid token",
        "令牌无法验证。",
        "The token could not be verified.",
    ),
    "auth.token_expired": (
        "令牌已过期",
        "Token expired",
        "访问令牌已过期，请刷新。",
        "The access token has expired; refresh it.",
    ),
    "auth.scope_missing": (
        "权限不足",
        "Insufficient scope",
        "此操作需要权限 {scope}。",
        "This operation needs the scope {scope}.",
    ),
    "auth.invalid_credentials": (
        "用户名或密码错误",
        "Invalid credentials",
        "用户名或密码错误。",
        "The username or password is wrong.",
    ),
    "auth.too_many_attempts": (
        "尝试次数过多",
        "Too many attempts",
        "登录失败次数过多，请 {retry_after} 秒后再试。",
        "Too many failed logins; try again in {retry_after} seconds.",
    ),
    "auth.refresh_invalid": (
        "刷新令牌无效",
        "Invalid refresh token",
        "刷新令牌无效、已过期或已被撤销，请重新登录。",
        "The refresh token is invalid, expired or revoked; log in again.",
    ),
    "auth.account_disabled": (
        "账号已停用",
        "Account disabled",
        "该账号已停用。",
        "This account is disabled.",
    ),
    "auth.wechat_failed": (
        "微信登录失败",
        "WeChat login failed",
        "微信返回错误：{errcode}。",
        "WeChat answered with error {errcode}.",
    ),
    "auth.wechat_unavailable": (
        "微信服务不可用",
        "WeChat unavailable",
        "暂时无法连接微信服务，请稍后再试。",
        "WeChat could not be reached; try again later.",
    ),
    "auth.bind_ticket_invalid": (
        "绑定凭证无效",
        "Invalid bind ticket",
        "绑定凭证无效或已过期，请重新登录小程序。",
        "The bind ticket is invalid or expired; log in again.",
    ),
    # organisations
    "org.not_found": (
        "组织不存在",
        "Organisation not found",
        "找不到组织 {id}。",
        "Organisation {id} was not found.",
    ),
    "org.parent_not_found": (
        "上级组织不存在",
        "Parent not found",
        "找不到上级组织 {id}。",
        "Parent organisation {id} was not found.",
    ),
    "org.parent_required": (
        "须指定上级组织",
        "Parent required",
        "新建组织须指定上级组织。",
        "A new organisation needs a parent.",
    ),
    "org.parent_dissolved": (
        "上级组织已撤销",
        "Parent dissolved",
        "组织 {id} 已撤销，不能在其下设立或迁入组织。",
        "Organisation {id} is dissolved and cannot hold organisations.",
    ),
    "org.dissolved": (
        "组织已撤销",
        "Organisation dissolved",
        "组织 {id} 已撤销。",
        "Organisation {id} is dissolved.",
    ),
    "org.kind_not_allowed_under_parent": (
        "上级组织类型不允许",
        "Kind not allowed under parent",
        "{parent_kind} 之下不能设立 {kind}。",
        "A {kind} cannot sit under a {parent_kind}.",
    ),
    "org.formation_required": (
        "须注明组建方式",
        "Formation required",
        "党支部须注明组建方式（单独、联合、挂靠、流动、行业）。",
        "A branch must state its formation.",
    ),
    "org.formation_not_applicable": (
        "该类型无组建方式",
        "Formation not applicable",
        "{kind} 不适用组建方式。",
        "A {kind} has no formation.",
    ),
    "org.code_taken": (
        "组织代码已被使用",
        "Code taken",
        "组织代码 {code} 已被其他组织使用。",
        "The code {code} belongs to another organisation.",
    ),
    "org.name_required": (
        "名称不能为空",
        "Name required",
        "组织名称不能为空。",
        "The name cannot be empty.",
    ),
    "org.move_into_own_subtree": (
        "不能迁入自身下级",
        "Cannot move under own subtree",
        "组织 {id} 不能迁到它自己或其下级 {parent_id} 之下。",
        "Organisation {id} cannot move under itself or its descendant {parent_id}.",
    ),
    "org.cannot_move_anchor": (
        "不能迁移此组织",
        "Cannot move this organisation",
        "顶级组织或您所在的组织 {id} 不能由您迁移。",
        "A root, or your own organisation {id}, cannot be moved by you.",
    ),
    "org.cannot_dissolve_anchor": (
        "不能撤销此组织",
        "Cannot dissolve this organisation",
        "顶级组织或您所在的组织 {id} 不能由您撤销。",
        "A root, or your own organisation {id}, cannot be dissolved by you.",
    ),
    "org.already_dissolved": (
        "组织已撤销",
        "Already dissolved",
        "组织 {id} 已经撤销。",
        "Organisation {id} is already dissolved.",
    ),
    "org.has_children": (
        "仍有下级组织",
        "Has child organisations",
        "组织 {id} 仍有 {count} 个下级组织，须先迁出或撤销。",
        "Organisation {id} still has {count} child organisations.",
    ),
    "org.has_managed_members": (
        "仍有双重管理的党员",
        "Has dual-managed members",
        "组织 {id} 仍在管理 {count} 名隶属其他组织的党员，须先结束登记。",
        "Organisation {id} still manages {count} members affiliated elsewhere: end those "
        "registrations first.",
    ),
    "org.has_open_transfers": (
        "仍有未办结的组织关系转接",
        "Has open transfers",
        "组织 {id} 仍有 {count} 份有效期内未办结的介绍信，须先办结或撤销。",
        "Organisation {id} still has {count} transfer letters under way: finish or cancel them "
        "first.",
    ),
    "org.has_enterprises": (
        "仍有所属或覆盖的企业",
        "Has enterprises",
        "组织 {id} 仍有 {count} 家所属或覆盖的企业。",
        "Organisation {id} still has {count} enterprises under or covered by it.",
    ),
    "org.has_members": (
        "仍有党员",
        "Has members",
        "组织 {id} 仍有 {count} 名党员。",
        "Organisation {id} still has {count} members.",
    ),
    "org.dissolved_on_future": (
        "撤销日期不能晚于今天",
        "Date in the future",
        "撤销日期不能晚于今天。",
        "The dissolution date cannot be in the future.",
    ),
    "org.root_required": (
        "须指定组织",
        "Organisation required",
        "请指定组织。",
        "Name an organisation.",
    ),
    # leaders
    "leader.not_found": (
        "班子成员不存在",
        "Leader not found",
        "找不到班子成员 {id}。",
        "Leader {id} was not found.",
    ),
    "leader.name_required": (
        "姓名不能为空",
        "Name required",
        "姓名不能为空。",
        "The name cannot be empty.",
    ),
    "leader.term_start_future": (
        "任期开始日期不能晚于今天",
        "Term start in the future",
        "任期开始日期不能晚于今天。",
        "The term cannot start in the future.",
    ),
    "leader.secretary_exists": (
        "已有现任书记",
        "Secretary exists",
        "组织 {org_id} 已有现任书记，须先结束其任职。",
        "Organisation {org_id} has a current secretary; end that term first.",
    ),
    "leader.already_ended": (
        "任职已结束",
        "Already ended",
        "班子成员 {id} 的任职已经结束。",
        "Leader {id} has already left.",
    ),
    "leader.ended_on_out_of_range": (
        "结束日期无效",
        "End date out of range",
        "结束日期须在任期开始之后、今天之前。",
        "The end date must fall between the term start and today.",
    ),
    "leader.within_months_out_of_range": (
        "月数超出范围",
        "Months out of range",
        "within_months 须在 0 到 60 之间。",
        "within_months must be between 0 and 60.",
    ),
    # audit
    "audit.not_found": (
        "审计记录不存在",
        "Audit entry not found",
        "找不到审计记录。",
        "The audit entry was not found.",
    ),
}

# Field-level texts: the same codes, reused as short per-field messages.
FIELD_FALLBACK = ("取值无效", "Invalid value")


def render(code: str, params: dict[str, Any], lang: str) -> tuple[str, str]:
    """(title, detail) for ``code`` in ``lang`` ("zh" or "en")."""
    zh_t, en_t, zh_d, en_d = MESSAGES.get(code, (code, code, code, code))
    title, detail = (en_t, en_d) if lang == "en" else (zh_t, zh_d)
    with contextlib.suppress(KeyError, IndexError):
        detail = detail.format(**params)
    return title, detail


def register(messages: dict[str, tuple[str, str, str, str]]) -> None:
    """Areas add their own codes at import time; a duplicate code is a programming error."""
    clash = set(messages) & set(MESSAGES)
    if clash:
        raise ValueError(f"duplicate error codes: {sorted(clash)}")
    MESSAGES.update(messages)
