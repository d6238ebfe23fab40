"""Error texts of the sync area, registered with the shared catalogue. None of them echoes a
secret, an id number or a phone number."""

from __future__ import annotations

from app.domain import messages

messages.register(
    {
        "sync.client_not_found": (
            "同步客户端不存在",
            "Sync client not found",
            "找不到同步客户端 {id}。",
            "Sync client {id} was not found.",
        ),
        "sync.client_org_kind": (
            "组织不能注册同步客户端",
            "Org cannot register a sync client",
            "同步客户端只能注册在区或街道组织（不能是 {kind}）。",
            "A sync client is registered at a district or street org (not {kind}).",
        ),
        "sync.client_org_dissolved": (
            "组织已撤销",
            "Org dissolved",
            "已撤销的组织不能注册同步客户端。",
            "A dissolved org cannot register a sync client.",
        ),
        "sync.client_name_required": (
            "名称必填",
            "Name required",
            "同步客户端需要名称。",
            "A sync client needs a name.",
        ),
        "sync.scope_not_allowed": (
            "权限范围不允许",
            "Scope not allowed",
            "同步客户端只能授予以下权限范围中的至少一项：{allowed}。",
            "A sync client is granted one or more of: {allowed}.",
        ),
        "sync.grace_out_of_range": (
            "宽限期超出范围",
            "Grace period out of range",
            "旧密钥的宽限期为 0 到 {max} 小时。",
            "The old secret's grace period is 0 to {max} hours.",
        ),
        "sync.not_a_client": (
            "仅限同步客户端",
            "Sync clients only",
            "此接口只供已注册且有效的同步客户端使用（OAuth2 客户端凭证令牌）。",
            "This endpoint is for registered, active sync clients (client-credentials tokens).",
        ),
        "sync.batch_too_large": (
            "批量过大",
            "Batch too large",
            "一批最多 {max} 行；更大的文件请用上传作业。",
            "A batch holds at most {max} rows; upload larger files as a job.",
        ),
        "sync.batch_empty": (
            "批量为空",
            "Empty batch",
            "一批至少需要一行。",
            "A batch needs at least one row.",
        ),
        "sync.row_not_object": (
            "行格式错误",
            "Row is not an object",
            "每一行都必须是 JSON 对象。",
            "Every row must be a JSON object.",
        ),
        "sync.unknown_field": (
            "未知字段",
            "Unknown field",
            "该行含有不认识的字段。",
            "The row has a field this entity does not know.",
        ),
        "sync.value_required": (
            "缺少必填值",
            "Value required",
            "该字段必填。",
            "This field is required.",
        ),
        "sync.value_invalid": (
            "值无效",
            "Invalid value",
            "该字段的值应为 {expected}。",
            "This field takes {expected}.",
        ),
        "sync.value_too_long": (
            "值过长",
            "Value too long",
            "该字段最多 {max} 个字符。",
            "This field holds at most {max} characters.",
        ),
        "sync.org_reference_required": (
            "缺少所属组织",
            "Org reference required",
            "请给出 org_id 或 org_external_id 之一（不能两个都给）。",
            "Give exactly one of org_id and org_external_id.",
        ),
        "sync.parent_reference_required": (
            "缺少上级组织",
            "Parent reference required",
            "请给出 parent_id 或 parent_external_id 之一（不能两个都给）。",
            "Give exactly one of parent_id and parent_external_id.",
        ),
        "sync.parent_external_id_unknown": (
            "外部上级组织编号未知",
            "Unknown parent external id",
            "该上级组织的外部编号既未映射，也不是本批中前面的行。",
            "The parent's external id is neither mapped nor made by an earlier row of the batch.",
        ),
        "sync.org_external_id_unknown": (
            "外部组织编号未映射",
            "Unknown org external id",
            "该外部组织编号尚未映射到本系统的组织。",
            "This org external id is not mapped to one of our orgs.",
        ),
        "sync.duplicate_external_id": (
            "外部编号重复",
            "Duplicate external id",
            "同一批中外部编号重复（第 {first} 行已使用）。",
            "The external id appears twice in the batch (first at row {first}).",
        ),
        "sync.duplicate_in_batch": (
            "身份证号码重复",
            "Duplicate id number in batch",
            "同一批中身份证号码重复（第 {first} 行已使用）。",
            "The id number appears twice in the batch (first at row {first}).",
        ),
        "sync.external_id_outside_subtree": (
            "外部编号指向范围外的记录",
            "External id maps outside your subtree",
            "该外部编号映射的记录已不在本客户端的组织范围内。",
            "The record this external id maps to is outside the client's subtree.",
        ),
        "sync.external_id_conflict": (
            "记录已映射到另一个外部编号",
            "Record mapped to another external id",
            "匹配到的记录已映射到本客户端的另一个外部编号。",
            "The matching record is already mapped to another of the client's external ids.",
        ),
        "sync.national_id_mismatch": (
            "身份证号码与已映射的记录不符",
            "Id number differs from the mapped record",
            "身份证号码不能通过同步修改；该外部编号映射的党员号码不同。",
            "An id number never changes by sync; the mapped member has another number.",
        ),
        "sync.field_not_synced": (
            "字段需专门操作修改",
            "Field changes by its own action",
            "{field} 的变更（转接、状态、日期）需通过专门的接口办理，不能通过同步修改。",
            "A change of {field} (transfer, status, dates) goes through its own endpoint, "
            "not through sync.",
        ),
        "sync.concurrent_change": (
            "并发导入冲突",
            "Concurrent import",
            "另一个导入同时写入了相同的记录；整批未写入，请重试。",
            "Another import wrote the same records at the same time; nothing was written, "
            "retry the batch.",
        ),
        "sync.cursor_invalid": (
            "游标无效",
            "Invalid cursor",
            "游标格式错误或属于另一个客户端。",
            "The cursor is malformed or belongs to another client.",
        ),
        "sync.webhook_url_invalid": (
            "回调地址无效",
            "Invalid webhook URL",
            "回调地址必须是 http 或 https 地址（最多 2000 个字符）。",
            "A webhook URL is an http or https URL (at most 2,000 characters).",
        ),
        "sync.webhook_event_types_invalid": (
            "事件类型无效",
            "Invalid event types",
            "事件类型为 1 到 50 个，形如 member.update、member.* 或 *。",
            "Give 1 to 50 event types such as member.update, member.* or *.",
        ),
        "sync.webhook_not_found": (
            "订阅不存在",
            "Webhook not found",
            "找不到订阅 {id}。",
            "Webhook subscription {id} was not found.",
        ),
        "sync.delivery_not_found": (
            "投递记录不存在",
            "Delivery not found",
            "找不到投递记录 {id}。",
            "Delivery {id} was not found.",
        ),
        "sync.rate_limited": (
            "请求过于频繁",
            "Too many requests",
            "该客户端的请求超过每分钟上限，请在 {retry_after} 秒后重试。",
            "This client exceeded its requests per minute; retry in {retry_after} seconds.",
        ),
        "sync.job_not_found": (
            "作业不存在",
            "Job not found",
            "找不到作业 {id}。",
            "Job {id} was not found.",
        ),
        "sync.columns_invalid": (
            "列名错误",
            "Wrong columns",
            "文件第 1 行的列名有误：未知列 {unknown}；缺少必填列 {missing}；重复列 {duplicate}。",
            "The file's first line names wrong columns: unknown {unknown}; missing required "
            "{missing}; repeated {duplicate}.",
        ),
        "sync.file_unreadable": (
            "文件无法读取",
            "Unreadable file",
            "文件不是可读取的 {expected}。",
            "The file is not a readable {expected}.",
        ),
        "sync.file_too_large": (
            "文件过大",
            "File too large",
            "一个文件最多 {max} 行。",
            "A file holds at most {max} rows.",
        ),
        "sync.file_type_unsupported": (
            "文件类型不支持",
            "Unsupported file type",
            "请以 text/csv 或 XLSX（{xlsx}）上传。",
            "Upload text/csv or XLSX ({xlsx}).",
        ),
        "oauth.invalid_client": (
            "客户端认证失败",
            "Client authentication failed",
            "client_id 或 client_secret 错误，或客户端已停用。",
            "Wrong client_id or client_secret, or the client is suspended.",
        ),
        "oauth.invalid_scope": (
            "权限范围无效",
            "Invalid scope",
            "请求的权限范围超出了授予该客户端的范围：{allowed}。",
            "The requested scope exceeds the client's: {allowed}.",
        ),
        "oauth.invalid_request": (
            "请求无效",
            "Invalid request",
            "缺少参数或参数重复：{parameter}。",
            "Missing or repeated parameter: {parameter}.",
        ),
        "oauth.unsupported_grant_type": (
            "不支持的授权类型",
            "Unsupported grant type",
            "只支持 grant_type=client_credentials。",
            "Only grant_type=client_credentials is supported.",
        ),
    }
)
