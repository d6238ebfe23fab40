"""Error texts of transfers (组织关系接转), registered with the shared catalogue."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "transfer.not_found": (
            "组织关系转接记录不存在",
            "Transfer not found",
            "找不到组织关系转接记录 {id}。",
            "Transfer {id} was not found.",
        ),
        "transfer.already_open": (
            "已有在途的组织关系转接",
            "Transfer already under way",
            "该党员已有一份未办结的组织关系介绍信，办结、撤销或过期前不能再开具。",
            "This member already has a transfer under way; it must finish, be cancelled or "
            "expire before another letter is issued.",
        ),
        "transfer.member_not_on_roll": (
            "党员不在册",
            "Member not on the roll",
            "该党员当前状态为 {standing}，不能办理组织关系转接。",
            "The member's standing is {standing}; only members on the roll can transfer.",
        ),
        "transfer.member_not_active": (
            "党员状态不能转接",
            "Member cannot be transferred now",
            "该党员当前状态为 {standing}（失联或停止党籍），"
            "恢复正常状态前不能开具、接收、报到或回执组织关系介绍信。",
            "This member's standing is {standing} (lost contact or suspended): a transfer can be "
            "issued, accepted, reported or completed only once the standing is active again.",
        ),
        "transfer.destination_required": (
            "须指明接收单位",
            "Destination required",
            "请填写系统内的接收党组织（to_org_id），或系统外接收单位的名称和地区，二者取其一。",
            "Give either a receiving organisation in the system (to_org_id) or the name and "
            "region of one outside it, not both.",
        ),
        "transfer.destination_not_found": (
            "接收党组织不存在",
            "Destination not found",
            "找不到接收党组织 {id}。",
            "Receiving organisation {id} was not found.",
        ),
        "transfer.destination_cannot_hold": (
            "接收组织不能接收党员",
            "Destination cannot hold members",
            "党员组织关系只能转入党支部或党总支，不能转入 {kind}。",
            "A member's relationship can only move to a branch or general branch, not a {kind}.",
        ),
        "transfer.destination_dissolved": (
            "接收党组织已撤销",
            "Destination dissolved",
            "接收党组织 {id} 已撤销，不能接收党员。",
            "Receiving organisation {id} is dissolved and cannot take members.",
        ),
        "transfer.same_org": (
            "不能转入本组织",
            "Transfer to the member's own organisation",
            "接收党组织就是党员当前所在的党组织。",
            "The receiving organisation is the one the member already belongs to.",
        ),
        "transfer.month_invalid": (
            "月份格式有误",
            "Invalid month",
            "党费交至月份应为 YYYY-MM 格式，例如 2026-10。",
            "The month dues are paid up to must be YYYY-MM, e.g. 2026-10.",
        ),
        "transfer.issued_in_future": (
            "开具日期不能晚于今天",
            "Issue date in the future",
            "介绍信的开具日期不能晚于今天。",
            "The letter cannot be issued on a date after today.",
        ),
        "transfer.issued_before_affiliation": (
            "开具日期早于组织关系",
            "Issued before the affiliation began",
            "介绍信开具日期不能早于党员转入当前党组织的日期 {since}。",
            "The letter cannot be issued before the member's current affiliation began ({since}).",
        ),
        "transfer.validity_too_long": (
            "有效期过长",
            "Validity too long",
            "介绍信有效期最长 {months} 个月，最晚到 {latest}。",
            "A letter is valid for at most {months} months, until {latest} at the latest.",
        ),
        "transfer.validity_passed": (
            "有效期已过",
            "Validity already over",
            "有效期截止日期不能早于开具日期或今天。",
            "The letter must be valid until a date no earlier than its issue date and today.",
        ),
        "transfer.value_required": (
            "缺少必填内容",
            "Value required",
            "此项为必填。",
            "This value is required.",
        ),
        "transfer.value_too_long": (
            "内容过长",
            "Value too long",
            "此项最多 {max} 个字符。",
            "This value has at most {max} characters.",
        ),
        "transfer.not_destination": (
            "不是接收方",
            "Not the destination",
            "只有接收党组织（或其上级）可以对转接记录 {id} 作出接收、退回或报到登记。",
            "Only the receiving organisation (or one above it) may accept, reject or record "
            "the report of transfer {id}.",
        ),
        "transfer.not_sender": (
            "不是转出方",
            "Not the sender",
            "只有转出党组织（或其上级）可以撤销转接记录 {id} 或登记其回执。",
            "Only the sending organisation (or one above it) may cancel transfer {id} or "
            "record its receipt.",
        ),
        "transfer.not_internal": (
            "系统外转接不适用",
            "Not a transfer inside the system",
            "转接记录 {id} 的类型为 {kind}，不能进行 {action}：转出系统外的以回执办结。",
            "Transfer {id} is {kind} and cannot take {action}; a transfer leaving the system "
            "finishes with its receipt.",
        ),
        "transfer.wrong_state": (
            "转接状态不允许此操作",
            "Transfer not in the right state",
            "转接记录 {id} 当前状态为 {state}，不能进行 {action}。",
            "Transfer {id} is {state} and cannot take {action}.",
        ),
        "transfer.expired": (
            "介绍信已过期",
            "Letter expired",
            "转接记录 {id} 的介绍信有效期至 {valid_until}，已过期，须重新开具。",
            "The letter of transfer {id} was valid until {valid_until}; it has expired and a "
            "new one must be issued.",
        ),
        "transfer.reported_after_expiry": (
            "报到晚于有效期",
            "Reported after expiry",
            "报到日期晚于介绍信有效期 {valid_until}。",
            "The report date is after the letter's validity ({valid_until}).",
        ),
        "transfer.date_out_of_range": (
            "日期超出范围",
            "Date out of range",
            "日期应在 {earliest} 至 {latest} 之间。",
            "The date must lie between {earliest} and {latest}.",
        ),
        "transfer.receipt_recorded": (
            "回执已登记",
            "Receipt already recorded",
            "转接记录 {id} 的回执已经登记。",
            "The receipt of transfer {id} is already recorded.",
        ),
        "transfer.within_days_not_applicable": (
            "参数不适用",
            "Parameter not applicable",
            "within_days 只用于 expiring 队列。",
            "within_days applies to the expiring queue only.",
        ),
        "transfer.within_days_out_of_range": (
            "天数超出范围",
            "Days out of range",
            "within_days 应在 1 至 {max} 之间。",
            "within_days must lie between 1 and {max}.",
        ),
    }
)
