"""Error texts of the members area, registered with the shared catalogue. None of them echoes
an id or phone number."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "member.not_found": (
            "党员不存在",
            "Member not found",
            "找不到党员 {id}。",
            "Member {id} was not found.",
        ),
        "member.national_id_invalid": (
            "身份证号码无效",
            "Invalid national id number",
            "身份证号码不符合 GB 11643 的要求（{reason}）：应为 18 位，出生日期真实，校验位正确。",
            "The national id number fails GB 11643 ({reason}): 18 characters, a real birth "
            "date and a correct check character.",
        ),
        "member.national_id_taken": (
            "身份证号码已登记",
            "National id number taken",
            "该身份证号码已登记为另一名党员，一个号码只能对应一名党员。",
            "This national id number already belongs to a member; one number, one member.",
        ),
        "member.phone_invalid": (
            "手机号码无效",
            "Invalid phone number",
            "手机号码应为 11 位大陆手机号（1[3-9] 开头）。",
            "The phone number must be an 11-digit mainland mobile number starting 13–19.",
        ),
        "member.name_required": (
            "姓名不能为空",
            "Name required",
            "党员姓名不能为空。",
            "The name cannot be empty.",
        ),
        "member.value_required": (
            "字段不能为空",
            "Value required",
            "此字段不能设为空。",
            "This field cannot be null.",
        ),
        "member.org_cannot_hold_members": (
            "该组织不能接收党员组织关系",
            "Organisation cannot hold members",
            "党员的组织关系只能在党支部或党总支，不能在 {kind}。",
            "A member's relationship sits in a branch or general branch, not in a {kind}.",
        ),
        "member.org_dissolved": (
            "组织已撤销",
            "Organisation dissolved",
            "组织 {id} 已撤销，不能接收党员。",
            "Organisation {id} is dissolved and cannot take members.",
        ),
        "member.dates_out_of_order": (
            "日期顺序有误",
            "Dates out of order",
            "日期须满足：出生日期 ≤ 入党日期 ≤ 转正日期 ≤ 今天。",
            "Dates must satisfy birth ≤ join ≤ full membership ≤ today.",
        ),
        "member.full_member_date_required": (
            "缺少转正日期",
            "Full-member date required",
            "正式党员须填写转正日期；预备党员不填。",
            "A full member needs a full-member date; a probationary member has none.",
        ),
        "member.employer_not_found": (
            "工作单位不存在",
            "Employer not found",
            "找不到企业 {id}。",
            "Enterprise {id} was not found.",
        ),
        "member.not_linked": (
            "账号未关联党员",
            "No member linked",
            "此账号没有关联党员档案。",
            "This account is not linked to a member record.",
        ),
        "user.member_not_applicable": (
            "仅党员账号可关联党员",
            "Member link not applicable",
            "只有 member 角色的账号可以关联党员档案。",
            "Only an account with the member role can be linked to a member record.",
        ),
    }
)
