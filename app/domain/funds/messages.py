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
