"""Error texts of the two-new organisations area, registered with the shared catalogue."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        # enterprises
        "enterprise.not_found": (
            "企业不存在",
            "Enterprise not found",
            "找不到企业（社会组织）{id}。",
            "Enterprise {id} was not found.",
        ),
        "enterprise.name_required": (
            "名称不能为空",
            "Name required",
            "企业名称不能为空。",
            "The name cannot be empty.",
        ),
        "enterprise.industry_required": (
            "行业不能为空",
            "Industry required",
            "须注明所属行业（如陶瓷、电子商务）。",
            "State the industry (e.g. ceramics, e-commerce).",
        ),
        "enterprise.value_required": (
            "字段不能为空",
            "Value required",
            "此字段不能设为空。",
            "This field cannot be null.",
        ),
        "enterprise.credit_code_invalid": (
            "统一社会信用代码无效",
            "Invalid credit code",
            "统一社会信用代码 {code} 格式或校验位不正确（应为 18 位）。",
            "The unified social credit code {code} is malformed or fails its check character.",
        ),
        "enterprise.credit_code_taken": (
            "统一社会信用代码已登记",
            "Credit code taken",
            "统一社会信用代码 {code} 已登记为另一家企业。",
            "The credit code {code} is already registered to another enterprise.",
        ),
        "enterprise.employee_count_negative": (
            "职工人数不能为负",
            "Negative employee count",
            "职工人数不能小于 0。",
            "The employee count cannot be negative.",
        ),
        "enterprise.org_not_territorial": (
            "所属组织类型不允许",
            "Not a territorial organisation",
            "企业只能隶属于区、两新工委、街道、社区或园区党组织，不能隶属于 {kind}。",
            "An enterprise sits under a district, two-new committee, street, community or park, "
            "not under a {kind}.",
        ),
        "enterprise.org_dissolved": (
            "所属组织已撤销",
            "Organisation dissolved",
            "组织 {id} 已撤销，企业不能隶属于它。",
            "Organisation {id} is dissolved and cannot hold enterprises.",
        ),
        "enterprise.contact_restricted": (
            "仅限本企业信息",
            "Own enterprise only",
            "企业联系人只能查看本企业的信息。",
            "An enterprise contact may read only their own enterprise.",
        ),
        # organisation coverage
        "coverage.org_not_covering": (
            "该组织不能覆盖企业",
            "Organisation cannot cover",
            "只有党支部或党总支能覆盖企业，{kind} 不能。",
            "Only a branch or general branch covers enterprises, not a {kind}.",
        ),
        "coverage.org_dissolved": (
            "覆盖组织已撤销",
            "Covering organisation dissolved",
            "组织 {id} 已撤销，不能覆盖企业。",
            "Organisation {id} is dissolved and cannot cover enterprises.",
        ),
        "coverage.standalone_taken": (
            "单独组建的支部已覆盖其他企业",
            "Standalone branch taken",
            "单独组建的党支部 {org_id} 已覆盖企业 {enterprise_id}；多家企业请用联合组建。",
            "Standalone branch {org_id} already covers enterprise {enterprise_id}; "
            "several enterprises share a joint branch.",
        ),
        # instructors and their assignments (work coverage)
        "instructor.not_found": (
            "党建指导员不存在",
            "Instructor not found",
            "找不到党建指导员 {id}。",
            "Instructor {id} was not found.",
        ),
        "instructor.name_required": (
            "姓名不能为空",
            "Name required",
            "党建指导员姓名不能为空。",
            "The name cannot be empty.",
        ),
        "instructor.org_dissolved": (
            "选派组织已撤销",
            "Organisation dissolved",
            "组织 {id} 已撤销，不能选派党建指导员。",
            "Organisation {id} is dissolved and cannot appoint instructors.",
        ),
        "instructor.inactive": (
            "党建指导员已停用",
            "Instructor inactive",
            "党建指导员 {id} 已停用，不能再派驻。",
            "Instructor {id} is no longer active and cannot be assigned.",
        ),
        "assignment.not_found": (
            "派驻记录不存在",
            "Assignment not found",
            "找不到派驻记录 {id}。",
            "Assignment {id} was not found.",
        ),
        "assignment.already_active": (
            "已在派驻中",
            "Already assigned",
            "党建指导员 {instructor_id} 已派驻企业 {enterprise_id}。",
            "Instructor {instructor_id} is already assigned to enterprise {enterprise_id}.",
        ),
        "assignment.already_ended": (
            "派驻已结束",
            "Already ended",
            "派驻记录 {id} 已经结束。",
            "Assignment {id} has already ended.",
        ),
        "assignment.start_on_future": (
            "开始日期不能晚于今天",
            "Start in the future",
            "派驻开始日期不能晚于今天。",
            "An assignment cannot start in the future.",
        ),
        "assignment.end_on_out_of_range": (
            "结束日期无效",
            "End date out of range",
            "结束日期须在派驻开始（{start_on}）之后、今天之前。",
            "The end date must fall between the start ({start_on}) and today.",
        ),
        "enterprise.closed": (
            "企业已注销",
            "Enterprise closed",
            "企业 {id} 已注销。",
            "Enterprise {id} is closed.",
        ),
    }
)
