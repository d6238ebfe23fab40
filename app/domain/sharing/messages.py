"""Error texts of order sharing and the joint mechanism, registered with the shared catalogue."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "share.request_not_found": (
            "发单不存在",
            "Share request not found",
            "找不到发单 {id}。",
            "Share request {id} was not found.",
        ),
        "share.allocation_not_found": (
            "分配不存在",
            "Allocation not found",
            "找不到分配 {id}。",
            "Allocation {id} was not found.",
        ),
        "share.offer_not_found": (
            "报价不存在",
            "Offer not found",
            "此发单下找不到报价 {id}。",
            "Offer {id} was not found on this request.",
        ),
        "share.value_required": (
            "字段不能为空",
            "Value required",
            "此字段不能为空。",
            "This field cannot be empty.",
        ),
        "share.value_too_long": (
            "内容过长",
            "Too long",
            "此字段最多 {max} 个字符。",
            "This field takes at most {max} characters.",
        ),
        "share.enterprise_required": (
            "须指明企业",
            "Enterprise required",
            "须指明代表哪家企业（企业联系人默认为本企业）。",
            "Name the enterprise acted for (an enterprise contact acts for their own).",
        ),
        "share.quantity_out_of_range": (
            "数量超出范围",
            "Quantity out of range",
            "数量须为 {min} 至 {max} 之间的整数。",
            "The quantity must be a whole number from {min} to {max}.",
        ),
        "share.price_invalid": (
            "单价格式不正确",
            "Invalid price",
            '单价须为最多两位小数的十进制字符串（如 "3.50"），收到 {value}。',
            'The price must be a decimal string with at most two decimals (e.g. "3.50"), '
            "got {value}.",
        ),
        "share.price_not_positive": (
            "单价须为正数",
            "Price must be positive",
            "单价须大于 0 且不超过 9999999.99 元。",
            "The price must be above 0 and at most 9999999.99 yuan.",
        ),
        "share.deadline_past": (
            "交货期限已过",
            "Deadline in the past",
            "交货期限 {date} 早于今天（{today}）。",
            "The deadline {date} is before today ({today}).",
        ),
        "share.date_past": (
            "日期已过",
            "Date in the past",
            "日期 {date} 早于今天（{today}）。",
            "The date {date} is before today ({today}).",
        ),
        "share.date_future": (
            "日期在未来",
            "Date in the future",
            "交货日期 {date} 不能晚于今天。",
            "The delivery date {date} cannot be after today.",
        ),
        "share.invitees_not_applicable": (
            "不需指定企业",
            "Invitees not applicable",
            "对全园区可见的发单不需指定企业。",
            "A request visible to the whole park takes no list of chosen firms.",
        ),
        "share.invitees_required": (
            "须指定企业",
            "Invitees required",
            "指定企业可见的发单须列出 1 至 {max} 家企业。",
            "A request for chosen firms lists 1 to {max} enterprises.",
        ),
        "share.invitee_not_in_park": (
            "企业不在本园区",
            "Enterprise not in the park",
            "企业 {id} 不是本园区内的其他在营企业。",
            "Enterprise {id} is not another active firm of this park.",
        ),
        "share.request_not_draft": (
            "发单不是草稿",
            "Not a draft",
            "发单 {id} 当前为 {status}，只有草稿可以发布。",
            "Share request {id} is {status}; only a draft can be published.",
        ),
        "share.request_not_cancellable": (
            "发单不能取消",
            "Cannot cancel",
            "发单 {id} 当前为 {status}，已分配的发单不能取消。",
            "Share request {id} is {status}; it can be cancelled only before any allocation.",
        ),
        "share.request_not_taking": (
            "发单不接受报价或分配",
            "Request not open",
            "发单 {id} 当前为 {status}，不接受报价或分配。",
            "Share request {id} is {status} and takes no offers or allocations.",
        ),
        "share.not_poster_or_coordinator": (
            "无权操作此发单",
            "Not the poster or coordinator",
            "只有发单企业或园区协调人可以执行此操作（发单 {id}）。",
            "Only the posting firm or the park's coordinator may do this (request {id}).",
        ),
        "share.offer_by_requester": (
            "不能给自己的发单报价",
            "Offer by the requester",
            "发单企业不能对自己的发单 {id} 报价。",
            "The requesting firm cannot offer against its own request {id}.",
        ),
        "share.enterprise_not_eligible": (
            "企业不在发单范围内",
            "Enterprise not eligible",
            "企业 {id} 不在此发单的可见范围内（须为同一园区、在营，指定可见时须被指定）。",
            "Enterprise {id} may not take this request (same park, active, and invited when "
            "the request is for chosen firms).",
        ),
        "share.offer_of_other_enterprise": (
            "报价属于其他企业",
            "Offer of another firm",
            "所选报价不是该企业的报价。",
            "The offer chosen was made by another firm.",
        ),
        "share.allocation_to_requester": (
            "不能分配给发单企业",
            "Allocation to the requester",
            "不能把发单分配给发单企业自己。",
            "A request cannot be allocated to the requesting firm itself.",
        ),
        "share.due_after_deadline": (
            "交期晚于发单期限",
            "Due after the deadline",
            "分配的交期不能晚于发单期限 {deadline}。",
            "An allocation cannot be due after the request's deadline {deadline}.",
        ),
        "share.allocation_exceeds_remaining": (
            "超出剩余数量",
            "Beyond the remaining quantity",
            "分配数量 {quantity} 超出发单剩余可分配数量 {remaining}。",
            "Allocating {quantity} exceeds the {remaining} left to allocate.",
        ),
        "share.not_receiver": (
            "只有承接企业可以接受",
            "Not the receiving firm",
            "只有承接企业本身可以接受分配 {id}。",
            "Only the receiving firm itself may accept allocation {id}.",
        ),
        "share.allocation_not_proposed": (
            "分配已处理",
            "Allocation not pending",
            "分配 {id} 当前为 {status}，不能再接受。",
            "Allocation {id} is {status} and cannot be accepted again.",
        ),
        "share.allocation_not_accepted": (
            "分配不在生产中",
            "Allocation not in production",
            "分配 {id} 当前为 {status}，只有已接受且未交齐的分配可以登记交货。",
            "Allocation {id} is {status}; deliveries are recorded only on an accepted "
            "allocation not yet fully delivered.",
        ),
        "share.delivery_exceeds_allocation": (
            "交货超出分配",
            "Delivery beyond the allocation",
            "本批 {quantity} 超出分配尚未交齐的数量 {outstanding}。",
            "A batch of {quantity} exceeds the {outstanding} still outstanding.",
        ),
        "share.allocation_not_delivered": (
            "分配未交齐",
            "Allocation not delivered",
            "分配 {id} 当前为 {status}，交齐并验收合格后才能结算。",
            "Allocation {id} is {status}; it is settled once fully delivered and passed.",
        ),
        "capacity.notice_not_found": (
            "产能信息不存在",
            "Capacity notice not found",
            "找不到产能信息 {id}。",
            "Capacity notice {id} was not found.",
        ),
        "capacity.site_not_found": (
            "未登记园区位置",
            "No park site",
            "企业 {id} 尚未登记园区位置。",
            "No park site is recorded for enterprise {id}.",
        ),
        "capacity.period_reversed": (
            "起止日期颠倒",
            "Period reversed",
            "截止日期不能早于开始日期。",
            "The period cannot end before it starts.",
        ),
        "capacity.period_past": (
            "时段已过",
            "Period in the past",
            "空闲时段须延续到今天（{today}）或以后。",
            "The period must last until today ({today}) or later.",
        ),
        "capacity.period_too_long": (
            "时段过长",
            "Period too long",
            "空闲时段最长 {max} 天。",
            "A period lasts at most {max} days.",
        ),
        "capacity.not_owner_or_coordinator": (
            "无权操作此产能信息",
            "Not the firm or coordinator",
            "只有发布企业或园区协调人可以撤回产能信息 {id}。",
            "Only the advertising firm or the park's coordinator may withdraw notice {id}.",
        ),
        "capacity.coordinate_out_of_range": (
            "坐标超出范围",
            "Coordinate out of range",
            "园区平面坐标须在 0 至 {max} 米之间。",
            "Plan coordinates are 0 to {max} metres.",
        ),
        # Suggestion reasons (rendered in the caller's language).
        "suggest.notice": (
            "产能匹配",
            "Capacity matches",
            "产能信息 #{notice_id}：{process} 每周 {per_week} {unit}，"
            "{start} 至 {end} 可做 {quantity} {unit}",
            "Notice #{notice_id}: {process} at {per_week} {unit}/week, {quantity} {unit} "
            "between {start} and {end}",
        ),
        "suggest.outstanding": (
            "已有未交任务",
            "Work outstanding",
            "已扣除其同工序未交齐的分配 {quantity} {unit}",
            "Less {quantity} {unit} already allocated to it for this process, not yet delivered",
        ),
        "suggest.covers": (
            "可承接全部剩余",
            "Can take all that remains",
            "空闲 {free} {unit}，足以承接剩余 {remaining} {unit}",
            "{free} {unit} free: enough for the {remaining} {unit} remaining",
        ),
        "suggest.covers_part": (
            "可承接部分",
            "Can take part",
            "空闲 {free} {unit}，可承接剩余 {remaining} {unit} 中的一部分",
            "{free} {unit} free: part of the {remaining} {unit} remaining",
        ),
        "suggest.distance": (
            "距离",
            "Distance",
            "距发单企业约 {metres} 米",
            "About {metres} m from the requesting firm",
        ),
        "suggest.distance_unknown": (
            "距离未知",
            "Distance unknown",
            "尚未登记园区位置，距离未知",
            "No park site recorded: distance unknown",
        ),
        "suggest.same_zone": (
            "同一片区",
            "Same zone",
            "与发单企业同在 {zone}",
            "In the same zone as the requesting firm ({zone})",
        ),
        "suggest.offered": (
            "已报价",
            "Already offered",
            "已对本发单报价 {quantity} {unit}",
            "Already offered {quantity} {unit} on this request",
        ),
        "worker_loan.not_found": (
            "帮工请求不存在",
            "Worker request not found",
            "找不到帮工请求 {id}。",
            "Request for workers {id} was not found.",
        ),
        "worker_loan.offer_not_found": (
            "帮工报名不存在",
            "Offer not found",
            "此请求下找不到帮工报名 {id}。",
            "Offer {id} was not found on this request.",
        ),
        "worker_loan.workers_out_of_range": (
            "人数超出范围",
            "Number out of range",
            "所需人数须为 1 至 {max}。",
            "Ask for 1 to {max} workers.",
        ),
        "worker_loan.workers_count": (
            "员工人数不符",
            "Wrong number of workers",
            "须列出 1 至 {max} 名员工（不超过尚缺人数）。",
            "List 1 to {max} workers (no more than still needed).",
        ),
        "worker_loan.worker_repeated": (
            "员工重复",
            "Worker repeated",
            "员工 {ref} 在名单中出现了两次。",
            "Worker {ref} is listed twice.",
        ),
        "worker_loan.period_reversed": (
            "起止日期颠倒",
            "Period reversed",
            "结束日期不能早于开始日期。",
            "The period cannot end before it starts.",
        ),
        "worker_loan.period_too_long": (
            "时段过长",
            "Period too long",
            "帮工时段最长 {max} 天。",
            "A loan lasts at most {max} days.",
        ),
        "worker_loan.period_outside_request": (
            "时段超出请求",
            "Outside the requested period",
            "帮工时段须在请求的 {start} 至 {end} 之内。",
            "The period must lie within the requested {start} to {end}.",
        ),
        "worker_loan.offer_by_borrower": (
            "不能向自己借调",
            "Offer by the borrower",
            "提出请求的企业不能自己报名。",
            "The borrowing firm cannot offer its own workers to itself.",
        ),
        "worker_loan.not_open": (
            "请求已结束",
            "Request not open",
            "帮工请求 {id} 当前为 {status}。",
            "Request for workers {id} is {status}.",
        ),
        "worker_loan.not_coordinator": (
            "须由园区协调人确认",
            "Coordinator only",
            "只有园区协调人可以确认帮工（请求 {id}）。",
            "Only the park's coordinator confirms loans (request {id}).",
        ),
        "worker_loan.not_borrower_or_coordinator": (
            "无权取消",
            "Not the borrower or coordinator",
            "只有提出请求的企业或园区协调人可以取消请求 {id}。",
            "Only the borrowing firm or the coordinator may cancel request {id}.",
        ),
        "worker_loan.offer_confirmed": (
            "报名已确认",
            "Offer already confirmed",
            "帮工报名 {id} 已确认过。",
            "Offer {id} was already confirmed.",
        ),
        "worker_loan.too_many_workers": (
            "超出所需人数",
            "More workers than needed",
            "请求需要 {needed} 人，已确认 {confirmed} 人，本次确认会超出。",
            "The request needs {needed} and has {confirmed}; this offer would exceed it.",
        ),
        "worker_loan.worker_overlaps": (
            "员工借调时间重叠",
            "Worker already lent",
            "员工 {ref} 在 {start} 至 {end} 已借调，时间重叠。",
            "Worker {ref} is already lent from {start} to {end}, overlapping these days.",
        ),
        "worker_loan.not_cancellable": (
            "请求不能取消",
            "Cannot cancel",
            "帮工请求 {id} 当前为 {status} 或已有确认的员工。",
            "Request {id} is {status} or already has confirmed workers.",
        ),
    }
)
