"""Error texts of status changes and dual management."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "member.transition_not_allowed": (
            "不允许的状态变化",
            "Status change not allowed",
            "党员当前状态为 {standing}，不能登记 {kind}。",
            "A member whose standing is {standing} cannot have a {kind} change.",
        ),
        "member.status_date_in_future": (
            "日期不能晚于今天",
            "Date in the future",
            "状态变化的日期不能晚于今天。",
            "The date of a status change cannot be in the future.",
        ),
        "member.status_date_out_of_order": (
            "日期顺序有误",
            "Date out of order",
            "状态变化的日期不能早于 {earliest}（入党日期、上次状态变化或当前组织关系的开始）。",
            "The date cannot be before {earliest} (join date, last change or the start of the "
            "current affiliation).",
        ),
        "member.months_required": (
            "缺少延长月数",
            "Months required",
            "延长预备期须填写延长的月数（1–12）。",
            "An extension of probation needs its months (1–12).",
        ),
        "management.not_found": (
            "双重管理登记不存在",
            "Management registration not found",
            "找不到双重管理登记 {id}。",
            "Management registration {id} was not found.",
        ),
        "management.member_required": (
            "须指明党员",
            "Member required",
            "请用身份证号码（national_id）或党员编号指明党员。",
            "Name the member by national id number (national_id) or by member id.",
        ),
        "management.org_cannot_manage": (
            "该组织不能管理党员",
            "Organisation cannot manage members",
            "只有党支部或党总支可以管理党员，{kind} 不行。",
            "Only a branch or general branch manages members, not a {kind}.",
        ),
        "management.member_not_on_roll": (
            "党员不在册",
            "Member not on the roll",
            "该党员已不在册（{standing}），不能登记双重管理。",
            "The member is no longer on the roll ({standing}) and cannot be registered.",
        ),
        "management.own_org": (
            "不能在本人所在组织登记",
            "Member's own organisation",
            "党员的组织关系就在组织 {org_id}，双重管理须由另一个组织登记。",
            "The member's relationship already sits in organisation {org_id}; dual management "
            "is by another organisation.",
        ),
        "management.overlap": (
            "登记期间重叠",
            "Overlapping registration",
            "该党员在此组织已有期间重叠的登记（{id}）。",
            "The member already has an overlapping registration at this organisation ({id}).",
        ),
        "management.date_in_future": (
            "日期不能晚于今天",
            "Date in the future",
            "日期不能晚于今天。",
            "The date cannot be in the future.",
        ),
        "management.dates_out_of_order": (
            "日期顺序有误",
            "Dates out of order",
            "须满足：入党日期 ≤ 开始日期 ≤ 结束日期。",
            "Dates must satisfy join date ≤ from ≤ to.",
        ),
        "management.already_ended": (
            "登记已结束",
            "Registration already ended",
            "双重管理登记 {id} 已经结束。",
            "Management registration {id} has already ended.",
        ),
        "management.activity_required": (
            "缺少活动内容",
            "Activity required",
            "请填写参加的活动。",
            "Name the activity taken part in.",
        ),
        "management.outside_period": (
            "不在登记期间内",
            "Outside the registration period",
            "活动日期须在登记期间（{from} 至 {to}）之内。",
            "The activity date must fall within the registration ({from} to {to}).",
        ),
        "management.months_out_of_range": (
            "月数超出范围",
            "Months out of range",
            "away_over_months 须在 1 到 120 之间。",
            "away_over_months must be between 1 and 120.",
        ),
    }
)
