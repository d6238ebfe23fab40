"""Error texts of the development pipeline, registered with the shared catalogue."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "pipeline.not_found": (
            "发展对象记录不存在",
            "Pipeline entry not found",
            "找不到发展党员记录 {id}。",
            "Pipeline entry {id} was not found.",
        ),
        "pipeline.entry_taken": (
            "已有在途的入党申请",
            "Application already under way",
            "该身份证号码已有一条未完成的发展党员记录。",
            "This national id number already has an application under way.",
        ),
        "pipeline.already_member": (
            "已是党员",
            "Already a member",
            "该身份证号码已登记为党员，不能再次申请入党。",
            "This national id number already belongs to a member.",
        ),
        "pipeline.too_young": (
            "未满 18 周岁",
            "Applicant too young",
            "申请入党时须年满 {minimum} 周岁。",
            "An applicant must be at least {minimum} years old on the application date.",
        ),
        "pipeline.stage_out_of_order": (
            "发展阶段顺序有误",
            "Stage out of order",
            "当前阶段为 {current}，不能进入 {stage}：阶段须依次推进，不能跳过。",
            "The entry is at {current} and cannot move to {stage}: stages go in order, "
            "none skipped.",
        ),
        "pipeline.date_out_of_order": (
            "日期早于上一阶段",
            "Date out of order",
            "日期不能早于上一阶段的日期 {previous}。",
            "The date cannot be before the previous stage's date, {previous}.",
        ),
        "pipeline.date_in_future": (
            "日期不能晚于今天",
            "Date in the future",
            "日期 {date} 晚于今天。",
            "The date {date} is in the future.",
        ),
        "pipeline.activist_too_short": (
            "积极分子培养不满一年",
            "Activist for less than a year",
            "入党积极分子须经一年以上培养方可列为发展对象，最早 {earliest}。",
            "An activist is trained at least a year before becoming a development candidate; "
            "earliest {earliest}.",
        ),
        "pipeline.probation_not_over": (
            "预备期未满",
            "Probation not over",
            "预备期未满，最早于 {earliest} 转正。",
            "Probation is not over; conversion no earlier than {earliest}.",
        ),
        "pipeline.extension_too_long": (
            "延长预备期过长",
            "Extension too long",
            "预备期只能延长 1 至 {maximum} 个月。",
            "Probation may be extended by 1 to {maximum} months.",
        ),
        "pipeline.already_extended": (
            "预备期已延长过",
            "Probation already extended",
            "预备期只能延长一次。",
            "Probation may be extended only once.",
        ),
        "pipeline.not_probationary": (
            "不是预备党员",
            "Not a probationary member",
            "只有预备党员可以延长预备期或转正。",
            "Only a probationary member can have probation extended or be converted.",
        ),
    }
)
