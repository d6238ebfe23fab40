"""Error texts of the funding ledger, registered with the shared catalogue."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "money.malformed": (
            "金额格式错误",
            "Malformed amount",
            '金额应为十进制数字字符串，如 "8500000.00"：不带正负号、千位分隔符或指数。',
            'An amount is a decimal string such as "8500000.00": no sign, grouping or exponent.',
        ),
        "money.too_many_decimals": (
            "金额小数位过多",
            "Too many decimals",
            "金额最多两位小数（精确到分）。",
            "An amount has at most two decimals (fen).",
        ),
        "money.not_positive": (
            "金额必须大于零",
            "Amount must be positive",
            "金额必须大于 0.00。",
            "The amount must be greater than 0.00.",
        ),
        "money.too_large": (
            "金额过大",
            "Amount too large",
            "金额不能超过 {max}。",
            "The amount may not exceed {max}.",
        ),
        "fund.pool_not_found": (
            "资金池不存在",
            "Pool not found",
            "找不到资金池 {id}。",
            "Pool {id} was not found.",
        ),
        "fund.transaction_not_found": (
            "资金流水不存在",
            "Transaction not found",
            "找不到资金流水 {id}。",
            "Transaction {id} was not found.",
        ),
        "fund.name_required": (
            "缺少名称",
            "Name required",
            "资金池须有名称。",
            "A pool needs a name.",
        ),
        "fund.categories_required": (
            "缺少支出类别",
            "Categories required",
            "资金池至少允许一个支出类别；不填则按用途取默认类别。",
            "A pool allows at least one spending category; omit it for the purpose's defaults.",
        ),
        "fund.org_dissolved": (
            "组织已撤销",
            "Organisation dissolved",
            "组织 {id} 已撤销，不能再开设资金池。",
            "Organisation {id} is dissolved and cannot open a pool.",
        ),
        "fund.voucher_required": (
            "缺少凭证号",
            "Voucher required",
            "每笔入账须有凭证号。",
            "Every contribution needs a voucher reference.",
        ),
        "fund.enterprise_required": (
            "缺少企业",
            "Enterprise required",
            "来源为企业时须指明 enterprise_id。",
            "An enterprise source names its enterprise_id.",
        ),
        "fund.enterprise_not_applicable": (
            "不应指明企业",
            "Enterprise not applicable",
            "只有来源为企业时才指明 enterprise_id。",
            "Only an enterprise source names an enterprise_id.",
        ),
        "fund.insufficient_balance": (
            "余额不足",
            "Insufficient balance",
            "资金池余额不足，可用余额 {available}。",
            "The pool's balance is insufficient; {available} is available.",
        ),
        "fund.reason_required": (
            "缺少原因",
            "Reason required",
            "冲正须说明原因。",
            "A reversal needs a reason.",
        ),
        "fund.reversal_not_reversible": (
            "此流水不能冲正",
            "Transaction cannot be reversed",
            "流水 {id}（{kind}）不能冲正：冲正不能再冲正，借款的放款和还款由借款自身的操作处理。",
            "Transaction {id} ({kind}) cannot be reversed: a reversal is final, and loan "
            "disbursements and repayments are handled by the loan's own operations.",
        ),
        "fund.already_reversed": (
            "流水已冲正",
            "Already reversed",
            "流水 {id} 已经冲正过。",
            "Transaction {id} has already been reversed.",
        ),
        "fund.reversal_overdraws": (
            "冲正将导致余额为负",
            "Reversal would overdraw",
            "冲正流水 {id} 将使资金池余额为负（可用余额 {available}）。",
            "Reversing transaction {id} would overdraw the pool ({available} available).",
        ),
        "fund.period_invalid": (
            "期间无效",
            "Invalid period",
            "起始日期不能晚于截止日期。",
            "The start date is after the end date.",
        ),
        "fund.period_too_long": (
            "期间过长",
            "Period too long",
            "对账单期间最长 {days} 天。",
            "A statement covers at most {days} days.",
        ),
        "fund.statement_too_large": (
            "对账单过大",
            "Statement too large",
            "该期间的流水超过 {max} 笔，请缩短期间分段导出。",
            "The period has more than {max} entries; export it in shorter periods.",
        ),
        "fund.idempotency_key_required": (
            "缺少 Idempotency-Key",
            "Idempotency-Key required",
            "资金变动的请求须带 Idempotency-Key 头，重试时使用同一个值，以免重复入账。",
            "Money-moving requests need an Idempotency-Key header; reuse it on retries so the "
            "money moves once.",
        ),
    }
)

messages.register(
    {
        "fund.request_not_found": (
            "支出申请不存在",
            "Spending request not found",
            "找不到支出申请 {id}。",
            "Spending request {id} was not found.",
        ),
        "fund.purpose_required": (
            "缺少用途",
            "Purpose required",
            "支出申请须说明用途。",
            "A spending request states its purpose.",
        ),
        "fund.category_not_allowed": (
            "资金池不允许此类支出",
            "Category not allowed",
            "资金池不允许 {category} 类支出；允许的类别：{allowed}。",
            "The pool does not allow {category} spending; allowed: {allowed}.",
        ),
        "fund.request_decided": (
            "申请已处理",
            "Request already decided",
            "支出申请 {id} 已是 {status} 状态，不能再处理或撤回。",
            "Spending request {id} is already {status}; it cannot be decided or withdrawn.",
        ),
        "fund.approver_not_above": (
            "审批组织不在上级",
            "Approver is not above",
            "支出申请 {id} 须由资金池所属组织或其上级组织审批（支部负责、党委把关）。",
            "Spending request {id} is decided by the pool owner's organisation or one above it.",
        ),
        "fund.self_approval": (
            "不能审批自己的申请",
            "Cannot decide your own request",
            "支出申请 {id} 是您提出的，须由他人审批。",
            "You made spending request {id}; someone else decides it.",
        ),
        "fund.approval_limit_exceeded": (
            "超出审批权限",
            "Approval limit exceeded",
            "金额 {amount} 超出您的审批权限（{limit}），须由上级审批。",
            "The amount {amount} exceeds your approval limit ({limit}); an organisation "
            "above must approve it.",
        ),
    }
)

messages.register(
    {
        "fund.loan_not_found": (
            "借款不存在",
            "Loan not found",
            "找不到借款 {id}。",
            "Loan {id} was not found.",
        ),
        "fund.pool_not_mutual_aid": (
            "不是互助资金池",
            "Not a mutual-aid pool",
            "资金池 {id} 不是允许借款的企业互助资金池。",
            "Pool {id} is not a mutual-aid pool that lends.",
        ),
        "fund.schedule_required": (
            "缺少还款计划",
            "Repayment schedule required",
            "借款须有 1 至 {max} 期还款计划。",
            "A loan needs a repayment schedule of 1 to {max} instalments.",
        ),
        "fund.schedule_dates": (
            "还款日期无效",
            "Invalid repayment date",
            "还款日期须晚于今天，且逐期递增。",
            "Repayment dates are after today and strictly increasing.",
        ),
        "fund.schedule_sum_mismatch": (
            "还款计划与借款金额不符",
            "Schedule does not add up",
            "各期还款合计 {total}，应等于借款金额 {amount}。",
            "The instalments add up to {total}; they must equal the loan amount {amount}.",
        ),
        "fund.guarantor_is_borrower": (
            "借款企业不能为自己担保",
            "Borrower cannot guarantee",
            "担保企业须是借款企业以外的企业。",
            "A guarantor is an enterprise other than the borrower.",
        ),
        "fund.guarantor_duplicate": (
            "担保企业重复",
            "Duplicate guarantor",
            "同一企业只能担保一次。",
            "Each enterprise guarantees a loan once.",
        ),
        "fund.guarantee_exceeds_loan": (
            "担保金额超过借款",
            "Guarantee exceeds loan",
            "单个企业的担保金额不能超过借款金额。",
            "One guarantor's amount may not exceed the loan.",
        ),
        "fund.exposure_limit_exceeded": (
            "超出单户借款上限",
            "Exposure limit exceeded",
            "该企业已借 {owed}，加上本笔将超过单户上限 {limit}。",
            "The enterprise owes {owed}; this loan would exceed the limit of {limit}.",
        ),
        "fund.loan_status": (
            "借款状态不符",
            "Wrong loan status",
            "借款 {id} 当前为 {status}，此操作需要 {expected}。",
            "Loan {id} is {status}; this needs it {expected}.",
        ),
        "fund.repayment_exceeds_outstanding": (
            "还款超过未还金额",
            "Repayment exceeds outstanding",
            "还款金额超过未还金额 {outstanding}。",
            "The repayment exceeds the outstanding {outstanding}.",
        ),
    }
)

messages.register(
    {
        "dues.income_required": (
            "缺少月收入",
            "Monthly income required",
            "在职和离退休党员按月收入（税后）计算党费，须申报月收入。",
            "Employed and retired members pay by monthly income after tax; declare it.",
        ),
        "dues.override_reason_required": (
            "缺少调整原因",
            "Reason required",
            "调整党费金额须说明原因。",
            "Overriding the computed dues needs a reason.",
        ),
        "dues.profile_not_found": (
            "未设置党费标准",
            "No dues profile",
            "党员 {id} 尚未设置党费标准。",
            "Member {id} has no dues profile yet.",
        ),
        "dues.month_in_future": (
            "月份在未来",
            "Month in the future",
            "不能为未来的月份出账单。",
            "A bill is for this month or an earlier one.",
        ),
        "dues.org_not_branch": (
            "不是支部",
            "Not a branch",
            "党费账单按支部或总支出具（此组织为 {kind}）。",
            "Dues bills are per branch or general branch (this is a {kind}).",
        ),
        "dues.bill_exists": (
            "账单已存在",
            "Bill exists",
            "该支部 {month} 的党费账单已经出具。",
            "This branch's dues bill for {month} already exists.",
        ),
        "dues.profiles_missing": (
            "有党员未设置党费标准",
            "Dues profiles missing",
            "有 {count} 名党员尚未设置党费标准，请先设置（member_ids 列出）。",
            "{count} members have no dues profile yet; set them first (see member_ids).",
        ),
        "dues.no_members": (
            "支部没有党员",
            "No members",
            "该支部没有党员，无需出账单。",
            "The branch has no members to bill.",
        ),
        "dues.bill_not_found": (
            "账单不存在",
            "Bill not found",
            "找不到党费账单 {id}。",
            "Dues bill {id} was not found.",
        ),
        "dues.line_not_found": (
            "账单中没有该党员",
            "Member not on the bill",
            "党员 {id} 不在这张账单上。",
            "Member {id} is not on this bill.",
        ),
        "dues.pool_missing": (
            "支部没有党费资金池",
            "No dues pool",
            "组织 {org_id} 还没有党费资金池，请先开设（purpose=dues）。",
            "Organisation {org_id} has no dues pool yet; open one (purpose dues).",
        ),
        "dues.already_paid": (
            "已缴纳",
            "Already paid",
            "该党员 {month} 的党费已缴纳。",
            "The member's dues for {month} are already paid.",
        ),
        "dues.amount_mismatch": (
            "金额与应缴不符",
            "Amount differs from dues",
            "应缴 {due}。",
            "The dues are {due}.",
        ),
        "dues.pool_not_dues": (
            "不是党费资金池",
            "Not a dues pool",
            "资金池 {id} 不是党费资金池。",
            "Pool {id} is not a dues pool.",
        ),
        "dues.nothing_to_return": (
            "没有待返还的党费",
            "Nothing to return",
            "该支部上交的党费已全部返还。",
            "Everything this branch passed up has been returned.",
        ),
        "dues.return_exceeds_remitted": (
            "返还超过上交",
            "Return exceeds what was passed up",
            "待返还的党费为 {outstanding}。",
            "{outstanding} is left to return.",
        ),
    }
)

messages.register(
    {
        "relief.quarter_invalid": (
            "季度无效",
            "Invalid quarter",
            "季度为 1 至 4。",
            "A quarter is 1 to 4.",
        ),
        "relief.year_invalid": ("年份无效", "Invalid year", "年份无效。", "The year is not valid."),
        "relief.title_required": (
            "缺少标题",
            "Title required",
            "摸底须有标题。",
            "A survey needs a title.",
        ),
        "relief.entries_required": (
            "缺少救助对象",
            "Entries required",
            "摸底至少列出一名困难党员或职工（最多 500 名）。",
            "A survey lists at least one person in difficulty (at most 500).",
        ),
        "relief.name_required": (
            "缺少姓名",
            "Name required",
            "须填写姓名。",
            "A name is required.",
        ),
        "relief.hardship_required": (
            "缺少困难情况",
            "Hardship required",
            "须说明困难情况。",
            "Describe the hardship.",
        ),
        "relief.member_required": (
            "缺少党员",
            "Member required",
            "困难党员须指明 member_id。",
            "A member entry names its member_id.",
        ),
        "relief.survey_not_found": (
            "摸底不存在",
            "Survey not found",
            "找不到救助摸底 {id}。",
            "Relief survey {id} was not found.",
        ),
        "relief.entry_not_found": (
            "摸底中没有该对象",
            "Entry not found",
            "该摸底中没有对象 {id}。",
            "Entry {id} is not on this survey.",
        ),
    }
)

messages.register(
    {
        "fund.loan_reject_reason_required": (
            "缺少驳回理由",
            "Reason required",
            "驳回借款申请须说明理由。",
            "Rejecting a loan application needs a reason.",
        ),
    }
)
