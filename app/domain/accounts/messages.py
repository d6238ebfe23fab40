"""Error codes of accounts and logins (the auth.* basics live in app.domain.messages)."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "auth.wechat_code_invalid": (
            "微信登录凭证无效",
            "Invalid WeChat login code",
            "微信登录凭证无效或已使用（错误码 {errcode}），请重新调用 wx.login。",
            "The WeChat login code is invalid or used (error {errcode}); call wx.login again.",
        ),
        "auth.wechat_already_bound": (
            "微信已绑定其他账号",
            "WeChat already bound",
            "该微信已绑定其他账号。",
            "This WeChat user is already bound to another account.",
        ),
        "user.not_found": (
            "账号不存在",
            "Account not found",
            "找不到账号 {id}。",
            "Account {id} was not found.",
        ),
        "user.username_taken": (
            "用户名已被使用",
            "Username taken",
            "用户名 {username} 已被使用。",
            "The username {username} is taken.",
        ),
        "user.role_not_grantable": (
            "不能授予或管理该角色",
            "Role beyond your own",
            "角色 {role} 含有您没有的权限，您不能授予或管理它。",
            "The role {role} has scopes you do not hold; you cannot grant or manage it.",
        ),
        "user.role_not_allowed": (
            "该角色不能用于人员账号",
            "Role not for staff accounts",
            "角色 {role} 用于系统对接，不能用于人员账号。",
            "The role {role} is for machine clients, not staff accounts.",
        ),
        "user.password_too_short": (
            "密码过短",
            "Password too short",
            "密码至少 {min} 个字符。",
            "The password needs at least {min} characters.",
        ),
        "user.password_is_username": (
            "密码不能与用户名相同",
            "Password equals username",
            "密码不能与用户名相同。",
            "The password cannot be the username.",
        ),
        "user.enterprise_required": (
            "须指定企业",
            "Enterprise required",
            "企业联系人账号须指定所属企业。",
            "An enterprise contact account needs an enterprise.",
        ),
        "user.enterprise_not_applicable": (
            "该角色不关联企业",
            "Enterprise not applicable",
            "只有企业联系人账号关联企业。",
            "Only enterprise contact accounts name an enterprise.",
        ),
        "user.enterprise_not_found": (
            "企业不存在",
            "Enterprise not found",
            "找不到企业 {id}。",
            "Enterprise {id} was not found.",
        ),
        "user.enterprise_outside_org": (
            "企业不在该组织之下",
            "Enterprise outside the organisation",
            "企业 {enterprise_id} 不在组织 {org_id} 之下。",
            "Enterprise {enterprise_id} is not under organisation {org_id}.",
        ),
        "user.already_inactive": (
            "账号已停用",
            "Already inactive",
            "账号 {id} 已经停用。",
            "Account {id} is already inactive.",
        ),
        "user.cannot_deactivate_self": (
            "不能停用自己的账号",
            "Cannot deactivate yourself",
            "不能停用您自己的账号。",
            "You cannot deactivate your own account.",
        ),
    }
)
