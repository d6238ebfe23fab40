"""Texts of the compliance findings: each rule's suggested action, and the errors."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "compliance.unknown_rule": (
            "未知的规则",
            "Unknown rule",
            "不支持的规则：{rules}。",
            "Unknown rule(s): {rules}.",
        ),
        "compliance.branch_too_few_full.action": (
            "正式党员不足 3 名",
            "Fewer than 3 full members",
            "党支部 {org} 只有 {full_members} 名正式党员（至少 3 名）：发展或转入党员，"
            "或与邻近单位联合组建党支部。",
            "Branch {org} has {full_members} full members (3 needed): recruit or transfer "
            "members in, or form a joint branch with neighbours.",
        ),
        "compliance.branch_needs_committee.action": (
            "应设立支部委员会",
            "Branch committee needed",
            "党支部 {org} 有 {members} 名党员（7 名以上）却没有支部委员会："
            "召开党员大会选举支委会。",
            "Branch {org} has {members} members (7 or more) but no committee: hold a members' "
            "meeting to elect a branch committee.",
        ),
        "compliance.general_branch_too_small.action": (
            "党总支党员不足 50 名",
            "General branch of 50 or fewer",
            "党总支 {org} 只有 {members} 名党员（超过 50 名才设党总支）：考虑改设党支部。",
            "General branch {org} has {members} members (a general branch is for more than "
            "50): consider re-forming it as a branch.",
        ),
        "compliance.general_branch_too_large.action": (
            "党总支党员超过 100 名",
            "General branch over 100",
            "党总支 {org} 有 {members} 名党员（超过 100 名）：考虑成立基层党委。",
            "General branch {org} has {members} members (more than 100): consider setting up "
            "a grassroots committee.",
        ),
        "compliance.joint_branch_too_wide.action": (
            "联合党支部覆盖企业过多",
            "Joint branch too wide",
            "联合党支部 {org} 覆盖 {enterprises} 家企业（不宜超过 5 家）：考虑拆分或单独组建。",
            "Joint branch {org} covers {enterprises} enterprises (no more than 5): consider "
            "splitting it or forming standalone branches.",
        ),
        "compliance.term_overdue.action": (
            "班子任期已届满",
            "Term overdue",
            "{org} 有 {leaders} 名班子成员任期已于 {earliest_end} 届满：按期换届选举。",
            "{org} has {leaders} leaders whose term ended on {earliest_end}: hold the re-election.",
        ),
        "compliance.term_expiring.action": (
            "班子任期即将届满",
            "Term expiring",
            "{org} 有 {leaders} 名班子成员任期将于 {earliest_end} 届满：提前准备换届。",
            "{org} has {leaders} leaders whose term ends on {earliest_end}: prepare the "
            "re-election.",
        ),
        "compliance.lost_contact_too_long.action": (
            "党员失联超过 6 个月",
            "Out of contact 6+ months",
            "{org} 有 {members} 名党员失联 6 个月以上（最早自 {oldest_since}）：继续寻找，"
            "按规定停止党籍。",
            "{org} has {members} members out of contact for 6 months or more (since "
            "{oldest_since}): keep searching, then suspend membership as the rules require.",
        ),
        "compliance.managed_too_long.action": (
            "流动党员双重管理超过 6 个月",
            "Dual-managed 6+ months",
            "{org} 有 {members} 名双重管理党员已满 6 个月（最早自 {oldest_from}）："
            "督促其转接组织关系。",
            "{org} has {members} dual-managed members for 6 months or more (since "
            "{oldest_from}): they should transfer their relationship here.",
        ),
        "compliance.transfers_overdue.action": (
            "组织关系介绍信逾期未报到",
            "Transfers overdue",
            "{org} 开出的 {transfers} 份介绍信已过有效期仍未报到（最早于 {oldest_valid_until} "
            "到期）：联系党员和接收党组织，重开介绍信或撤销转接。",
            "{org} issued {transfers} transfer letters that ran out without a report (the "
            "first on {oldest_valid_until}): contact the member and the receiving organisation, "
            "then issue a new letter or cancel the transfer.",
        ),
    }
)
