app-title = 智慧门店
mode-counter = 收银台
mode-kiosk = 自助购物
mode-setup = 设置
status-online = 在线
status-offline = 离线
status-unsynced = { $count } 笔未同步
status-oldest = 最早 { $age }
status-all-synced = 所有订单已上传平台
status-store-damaged = 数据库已损坏：拒绝新订单。请联系技术人员。
status-store-read-only = 磁盘为只读：拒绝新订单。请联系技术人员。
status-store-disk-full = 磁盘已满：新订单需等待空间；已保存的订单仍会上传。
status-quarantined = { $count } 个事件被隔离（平台拒收）：请联系技术支持
status-identity-conflict = 本终端数据是恢复或复制而来的：订单保存在本机但暂不上传。请联系技术人员。
status-demo = 演示门店（未注册）
status-error = 上次同步错误：{ $error }
scan-placeholder = 扫描或输入条码，按回车
scan-button = 添加
camera-title = 摄像头
camera-none = 未找到摄像头，正在播放演示画面。
camera-off = 摄像头已关闭：请用扫码枪扫描或输入条码
camera-starting = 正在启动摄像头…
camera-failed = 摄像头已停止：{ $reason }
camera-decoder-fault = 解码器跳过了 { $count } 帧无法处理的画面，扫码仍在继续。请报告此问题。
cart-title = 购物车
cart-empty = 购物车是空的，请扫描商品。
cart-remove = 移除
cart-subtotal = 小计
cart-discount = 优惠
cart-total = 合计
cart-items = 共 { $count } 件
weighed-line = { $weight } 千克 × { $per_kg }/千克
weighed-weight = { $weight } 千克
coupon-line = 优惠券：{ $what }
coupon-amount-off = 立减{ $amount }
coupon-amount-off-min = 满{ $min }减{ $amount }
coupon-percent-off = { $rate }折
coupon-percent-off-min = 满{ $min }打{ $rate }折
coupon-remove = 移除优惠券
member-line = 会员：{ $name }
fulfil-title = 配送方式
fulfil-now = 当场带走
fulfil-deliver = 送货上门
fulfil-collect = 到店自提
address-placeholder = 收货地址
collect-at = 在门店 { $store } 自提，{ $time }可取
collect-in = { $hours } 小时后
pay-title = 支付
pay-cash = 现金
pay-card = 银行卡
pay-later = 稍后支付
pay-code = 付款码 { $digits }
card-ref-placeholder = 银行卡交易参考号
counter-keys = 快捷键：F1 现金 · F2 银行卡 · F3 稍后支付 · F4 送货/自提 · F5 地址 · F7/F8 末行数量 −/+ · F9 移除末行 · F10 确认交付 · F12 下单 · Esc 新订单
checkout = 下单
placing = 正在下单…
placed-title = 下单成功
placed-receipt = 小票号 { $receipt }
placed-total = 合计 { $total }
placed-ereceipt = 扫码获取电子小票
new-order = 新订单
added = 已添加：{ $name } × { $qty }
added-package = 已添加：{ $name }，{ $price }
refused = 未添加：{ $reason }
member-attached = 已关联会员 { $name }
## Magic Mirror (issue 16): recommendations for a member who consented, from this store's stock.
mirror-title = 为您推荐
mirror-title-member = 为 { $name } 推荐
mirror-shelf = 货架 { $shelf }
mirror-shelf-unknown = 货架未标注
mirror-in-stock = 有货 { $stock } 件
mirror-none = 本店暂无给此会员的推荐。
mirror-no-consent = 会员 { $member } 未同意个性化推荐（其会员码未含同意声明）：不显示推荐。
mirror-not-member-code = 这是{ kind }，不是会员码。
mirror-not-shopper-code = 这不是会员码。
coupon-applied = 已使用优惠券：优惠 { $discount }
basket-loaded = 已载入购物清单：{ $lines } 项
payment-scanned = 已扫描付款码，下单时扣款
pickup-title = 自提订单 { $order }
pickup-known = 线上订单，已从平台同步
pickup-from-code = 线上订单，来自自提码（平台列表尚未同步）
pickup-confirm = 确认交付
pickup-cancel = 取消
pickup-done = 订单 { $order } 已交付
kiosk-welcome = 欢迎光临
kiosk-touch = 点击开始
kiosk-scan-hint = 请将商品条码对准摄像头
kiosk-checkout = 结账
kiosk-deliver-hint = 我们送货到家，请输入地址：
kiosk-pay-hint = 扫描付款码即可现在付款；也可在送货上门时或到店自提时付款
kiosk-done = 谢谢！您的小票号是 { $receipt }
kiosk-help = 呼叫店员
kiosk-help-called = 店员马上就到
kiosk-idle = 您还在吗？{ $seconds } 秒后重置
kiosk-continue = 继续购物
kiosk-exit = 店员
pin-title = 店员密码
pin-enter = 确认
pin-wrong = 密码错误：还可尝试 { $left } 次
pin-locked = 多次错误，已锁定 { $seconds } 秒
pin-cancel = 取消
back = 返回
next = 下一步
setup-title = 设置本终端
setup-language = 语言
setup-enrol = 注册到平台
setup-platform = 平台地址
setup-token = 注册令牌
setup-enrol-button = 注册
setup-demo = 试用演示门店
setup-enrolled = 已注册：{ $detail }
setup-camera = 摄像头测试
setup-camera-choose = 摄像头：
setup-camera-hint = 请将条码对准摄像头
setup-last-read = 最近识别：{ $text }
setup-connection = 连接测试
setup-sync-now = 测试连接并同步
setup-sync-ok = 已连接：{ $detail }
setup-sync-failed = 失败：{ $error }
setup-diagnostics = 诊断
setup-run-doctor = 运行检查
setup-finish = 完成

## 拒绝原因：领域、协议、存储与同步的每一种类型化错误（src/i18n/refusals.rs）。
kind = { $kind ->
    [member] 会员码
    [pickup] 自提码
    [coupon] 优惠券码
   *[basket] 购物清单码
}
step = { $step ->
    [enrolment] 注册
    [push] 上传订单
    [pull] 获取更新
    [payment] 支付
    [claim] 单次使用码的认领
    [assist] 呼叫协助
   *[time] 时钟检查
}
gtin-empty = 没有读到内容。
gtin-not-digits = “{ $text }”不是商品条码：其中含有非数字字符。
gtin-bad-length = “{ $text }”有 { $len } 位数字；商品条码应为 8、12、13 或 14 位。
gtin-bad-check-digit = “{ $text }”校验位不符：可能输入或识别有误，请重新扫描。
gtin-bad-upce = “{ $text }”不是有效的短条码（UPC-E）。
gtin-not-digital-link = “{ $text }”是一个网址，但不含商品编号。
money-bad-currency = “{ $text }”不是币种代码（应为三个字母，如 CNY）。
money-bad-amount = “{ $text }”不是金额：请写成 12.50 这样的格式。
money-too-precise = “{ $text }”的小数位超过 { $currency } 允许的 { $digits } 位。
money-overflow = 金额过大。
money-currency-mismatch = { $a } 与 { $b } 不能相加。
coupon-not-yet-valid = 此优惠券尚未生效。
coupon-expired = 此优惠券已过期。
coupon-wrong-store = 此优惠券仅限其他门店使用，不适用于 { $store }。
coupon-below-minimum = 此优惠券需满 { $min } 才可使用；当前购物车为 { $subtotal }。
coupon-already-redeemed = 此优惠券已在本终端使用过。
coupon-already-applied = 此优惠券已在购物车中。
coupon-one-per-order = 每笔订单只能使用一张优惠券。
coupon-wrong-currency = 此优惠券币种为 { $coupon }，购物车币种为 { $cart }。
coupon-invalid-value = 此优惠券面值无效。
cart-currency-mismatch = 商品 { $gtin } 以 { $item } 标价，而购物车使用 { $cart }。
cart-quantity-out-of-range = 数量 { $qty } 超出范围：每行 1 至 { $max }。
cart-not-in-cart = 商品 { $gtin } 不在购物车中。
cart-too-many-lines = 购物车已满（{ $max } 行）。
cart-bad-catalog-entry = 商品 { $gtin } 的目录条目有误，修正前无法销售：
cart-package = 商品 { $gtin } 是称重商品：每包一行。请扫描下一包的标签来添加。
cart-line-gone = 该行已不在购物车中。
cart-by-weight = 商品 { $gtin } 按重量销售：请扫描电子秤打印的标签。
order-empty-cart = 购物车是空的：请至少扫描一件商品。
order-missing-address = 送货上门需要填写地址。
order-address-too-long = 地址超过 { $max } 个字符。
order-missing-collect-store = 自提订单需要指定自提门店。
order-missing-pickup-time = 自提订单需要指定自提时间。
order-missing-card-reference = 银行卡支付需要填写刷卡机的交易参考号。
payment-unknown = “{ $text }”不是支付方式：可选现金、银行卡（附参考号）、付款码或稍后支付。
payment-bad-card-reference = 银行卡支付需要刷卡机的交易参考号（1 至 { $max } 个字符）。
payment-bad-code = “{ $text }”不是付款码。
payment-needs-platform = 付款码支付需要终端已注册并在线：请收取现金或刷卡，或稍后支付。
payment-offline = 暂时无法连接平台，不能使用付款码：请收取现金或刷卡，或稍后支付。
payment-declined = 支付被拒绝：请更换支付方式。
scan-nothing-read = 没有读到内容。
scan-not-a-code = 不是商品条码、顾客码或付款码。
scan-not-in-catalog = 商品 { $gtin } 不在商品目录中：请核对条码，或将该商品加入目录。
scan-coupon-withdrawn = 优惠券 { $coupon } 已被平台撤销。
scan-basket-item-missing = 购物清单中的商品 { $gtin } 本店未销售。
scan-already-collected = 订单 { $order } 已于 { $at } 交付。
scan-basket-refused = 购物清单中的商品均未添加：{ $reason }
label-misread = 标签“{ $text }”识读有误（校验位不符）：请重新扫描。
label-value-misread = 标签“{ $text }”上的重量或价格识读有误（校验位不符）：请重新扫描。
label-not-scale = “{ $text }”不是本店的电子秤标签。
label-zero = 标签“{ $text }”的重量或价格为零：请重新打印标签。
label-gs1-unreadable = 无法读取条码“{ $text }”中的数据：请重新扫描，或重新打印标签。
label-expired = 商品 { $gtin } 已于 { $date } 过期，不能销售。
label-unknown-item = 电子秤商品 { $item } 不在商品目录中：请以商品码 { $gtin } 添加，按千克计价（单位 kg）。
label-not-by-weight = 商品 { $gtin } 按件销售：只有重量的标签无法计价。如需称重销售，请在商品目录中将其单位设为 kg。
label-price-currency = 标签上的价格使用其他货币（货币代码 { $numeric }），而不是 { $currency }。
label-price-precision = 标签上的价格小数位数超过该货币允许的位数。
code-malformed = 不是有效的顾客码。
code-bad-signature = 此码签名不符：已被篡改或为伪造。
code-unknown-key = 此码的签名密钥（{ $kid }）本终端未知：请同步以获取平台密钥。
code-key-revoked = 此码的签名密钥已被平台吊销（{ $kid }）：不予接受。请顾客出示新的码。
code-issued-after-retirement = 此码签发于 { $issued }，但其签名密钥已于 { $retired } 被平台停用（{ $kid }）：停用的密钥不再签发新码，此码不是真码。
code-expired = 此{ kind }已于 { $at } 过期。
code-not-yet-valid = 此{ kind }在 { $from } 之前无效。
code-wrong-store = 此{ kind }仅限门店 { $stores } 使用，本店为 { $here }。
code-already-redeemed = 优惠券 { $coupon } 已在本终端使用过。
code-already-collected = 订单 { $order } 已交付。
row-missing-column = 表头缺少“{ $column }”列（必须包含 gtin、name、price）。
row-duplicate-column = 表头中“{ $column }”列出现了两次。
row-field-count = 此行有 { $found } 个字段，而表头有 { $expected } 个。
row-price = 价格“{ $text }”：{ $reason }
row-negative-price = 价格“{ $text }”为负数。
row-empty-name = 名称为空。
row-bad-flag = 年龄限制“{ $text }”应为 true、false、1、0、yes 或 no。
row-bad-stock = 库存“{ $text }”不是整数。
row-too-long = { $field } 长 { $found } 个字符，最多允许 { $max } 个。
import-unreadable-header = 无法读取表头行。
import-unreadable-row = 无法读取此行（引号不完整或不是 UTF-8 编码）。
import-duplicate-gtin = 商品 { $gtin } 已在第 { $line } 行出现过。
import-no-rows = 文件只有表头，没有商品行。
import-refused = 商品目录导入被拒绝，未导入任何内容：
import-problem-line = 第 { $line } 行：{ $problem }
import-more-problems = ……另有 { $count } 个问题
key-bad-pkcs8 = 私钥不是 Ed25519 密钥。
key-bad-jwk = 平台密钥 { $kid } 不是有效的 Ed25519 密钥。
key-duplicate-kid = 密钥集中 { $kid } 出现了两次且内容不同。
key-random = 系统随机数生成器出错。
key-invalid = { $path } 不是本终端的私钥：请重新注册终端。
key-missing = { $path } 处没有密钥文件：本终端尚未注册。
key-too-open = 其他用户可以读取 { $path }（权限 { $mode }）：请设为仅所有者可读。
key-io = 无法读写 { $path }。
store-corrupt = { $path } 不是可读的智慧门店数据库。文件未被改动：请保留以便技术支持，并改用其他数据目录。
store-unreadable = 无法打开 { $path }：请确认目录存在且当前用户可读写。
store-read-only = 无法写入 { $path }：请检查文件权限，以及磁盘是否为只读。
store-disk-full = { $path } 所在磁盘已满：未保存任何内容。请释放空间后重试。
store-read-only-filesystem = { $path } 所在磁盘被挂载为只读，无法保存任何内容。已保存的订单是安全的。请重新以读写方式挂载；若磁盘自行变为只读，可能已损坏，请检查。
store-damaged = 数据库 { $path } 已损坏（发现 { $problems } 处问题），不再写入：为保护已保存的订单，新订单将被拒绝。请保留该文件。技术人员可将所有可读订单复制到新的数据目录（抢救）。
orders-read-only = 数据库以只读方式打开，列表可能不完整。原因：
store-newer-schema = { $path } 由更新版本的智慧门店写入（数据结构 { $found }，本程序支持 { $known }）。请安装新版本；文件未被改动。
store-migration = 数据库升级在步骤 { $name } 失败；该步骤未保留任何改动。
store-busy = 数据库 { $path } 正忙（另一个智慧门店程序正在使用）；请重试。
store-sqlite = 数据库 { $path } 出错；请重试，如持续出现请联系技术支持。
store-inconsistent = 已保存的数据不一致；请联系技术支持。
sync-not-enrolled = 本终端尚未注册到平台。
sync-already-enrolled = 本终端已注册为设备 { $device }；如需重新注册，请使用新的数据目录。
sync-orders-before-enrolment = 此数据库中有 { $orders } 笔注册前的订单（演示订单不会上传平台）；请使用新的数据目录注册，或将 { $path } 移走。
sync-bad-url = “{ $url }”不是平台地址（应以 http:// 或 https:// 开头）。
sync-re-enrol = 平台不再接受本终端：请用新的注册令牌重新注册。
sync-refused = 平台拒绝了{ step }（HTTP { $status }）。
sync-unreachable = 无法连接平台（{ step }）；订单已安全保存在本机，稍后会自动上传。
sync-server-error = 平台处理{ step }时出错（HTTP { $status }）；稍后重试。
sync-platform-storage = 平台数据库{ $fault ->
        [full] 磁盘空间已满
        [read-only] 为只读状态
        [busy] 繁忙
       *[unavailable] 无法连接
    }（{ step }）：平台未保存任何内容；订单已安全保存在本机，稍后会重新上传。
sync-bad-answer = 无法理解平台对{ step }的回复；稍后重试。
sync-stalled = 平台只保存到本终端的第 { $held } 个事件；将重新发送。
sync-sequence-conflict = 平台已保存本终端另一个编号为 { $seq } 的事件：此数据库是从备份恢复的，或从另一台终端复制而来。新订单保存在本机，但暂不上传。需由技术人员使用本门店的新注册令牌恢复本终端。
sync-event-refused = 平台因内容问题拒收事件 { $seq }；该事件已被隔离（保留在本机），其后的事件继续上传。
sync-clock-ahead = 本终端时钟比平台快约 { $minutes } 分钟（{ $seconds } 秒），平台因此拒绝请求。请校准日期和时间（或开启网络校时）；订单已安全保存在本机，校准后会上传。
sync-clock-behind = 本终端时钟比平台慢约 { $minutes } 分钟（{ $seconds } 秒），平台因此拒绝请求。请校准日期和时间（或开启网络校时）；订单已安全保存在本机，校准后会上传。
sync-wrong-store = 此注册令牌属于其他门店；未做任何更改。请申请本终端所属门店的令牌。
sync-nothing-to-recover = 本终端尚未注册，无需恢复：请直接注册。
sync-token-expired = 此注册令牌已过期：请向平台申请新的令牌。
sync-plain-http = { $url } 是到其他机器的明文 HTTP：网络上的任何人都能读取和篡改。请使用平台的 https:// 地址。
sync-no-pin = 未为 { $url } 固定平台证书：请使用带有平台指纹的注册令牌，或输入平台运营方提供的指纹。
sync-untrusted = 平台证书不是本终端固定的证书（{ step }）：可能有人在终端和平台之间拦截。未发送或接受任何内容；订单已安全保存在本机。请通知平台运营方。
sync-bad-fingerprint = “{ $text }”不是证书指纹（应为 64 位十六进制数字）。
sync-fingerprint-mismatch = 输入的指纹与注册令牌中的指纹不一致；未发送任何内容。请与平台运营方核对。
sync-forged-keys = 平台密钥列表未经本终端固定的平台签名：已拒绝，继续使用已有的密钥。可能有人在终端和平台之间拦截；请通知平台运营方。
sync-not-tls = 平台地址以未加密方式应答（{ step }），而本应使用加密连接（https）：可能有人在终端和平台之间拦截。未发送任何内容；订单已安全保存在本机。请通知平台运营方。
sync-already-claimed = 此码已在门店 { $store } 的终端 { $terminal } 使用过（{ $at }），不能再次使用。未保存任何内容。
payment-reference-conflict = 平台拒绝了此笔支付：其支付编号已用于另一笔支付；未扣款。请重新发起支付。
sync-store-not-writable = 数据库无法写入，不会上传任何内容：请查看状态栏中的提示。
sync-report = 已上传 { $sent } 个事件，获取 { $catalog } 项商品目录更新和 { $pickups } 个自提订单
config-failed = 无法读写配置文件 { $path }。
thread-stopped = 终端的后台程序已停止：请重新启动智慧门店。
stored-text = { $text }

## 设置界面的诊断：每项检查及其结果一行（命令行以英文给出技术细节）。
doctor-status = { $status ->
    [pass] 正常
    [warn] 注意
    [skipped] 未检查
   *[fail] 问题
}
doctor-check = { $check ->
    [owner] 数据所有者
    [camera] 摄像头
    [database] 数据库
    [disk] 磁盘
    [unsynced] 未同步
    [enrolment] 注册
    [key] 设备密钥
    [clock] 时钟
    [quarantine] 隔离事件
    [identity] 终端身份
    [pin] 员工密码
    [conflicts] 重复使用
    [payments] 付款码收退款
   *[platform] 平台
}
doctor-summary = { $check ->
    [owner] { $status ->
        [pass] 终端数据归终端自己的用户所有。
       *[other] 终端数据属于其他用户：请以终端用户身份运行诊断。
    }
    [camera] { $status ->
        [pass] 摄像头有画面，并已识别测试卡。
        [warn] 摄像头有画面，但未识别到测试卡上的码：请在光线充足处，将打印的测试卡放在摄像头前 20–40 厘米。
       *[fail] 无法打开摄像头或没有画面：请检查连接线，并确认没有其他程序正在使用摄像头。
    }
    [database] { $status ->
        [pass] 数据库可读且完好。
       *[other] 数据库有问题：文件未被改动，请联系技术支持。
    }
    [disk] { $status ->
        [pass] 磁盘空间充足。
       *[other] 磁盘快满了：请释放空间，以便保存订单。
    }
    [unsynced] { $status ->
        [pass] 订单正常上传到平台。
       *[other] 有订单已超过一天未上传到平台：请检查网络。
    }
    [enrolment] { $status ->
        [pass] 终端已注册到平台。
       *[other] 终端尚未注册：请在“注册到平台”页面注册。
    }
    [key] { $status ->
        [pass] 设备密钥存在且安全。
       *[other] 设备密钥缺失或不安全：请重新注册终端，或联系技术支持。
    }
    [clock] { $status ->
        [pass] 时钟与平台一致。
        [warn] 时钟与平台有偏差：请检查时间同步服务。
       *[fail] 时钟误差超过一分钟：请校准时间后重新测试。
    }
    [quarantine] { $status ->
        [pass] 没有被隔离的事件。
       *[other] 部分事件因内容被平台拒收，已隔离保存在本机：请联系技术支持。
    }
    [identity] { $status ->
        [pass] 平台上没有与本终端编号冲突的事件。
       *[other] 本终端的数据库是恢复或复制而来的：新订单保存在本机但暂不上传，需由技术人员用新的注册令牌恢复。
    }
    [pin] { $status ->
        [pass] 自助机员工密码已设置。
        [warn] 自助机员工密码是演示密码或旧格式：请技术人员重新设置。
       *[other] 自助机没有可用的员工密码，无法启动：需由技术人员设置。
    }
    [conflicts] { $status ->
        [pass] 平台未发现本门店有重复使用。
       *[other] 平台发现本门店有优惠券或自提被重复使用，或小票号重复：平台运营方有详细清单。
    }
    [payments] { $status ->
        [pass] 没有等待平台处理的付款码收款或退款。
        [warn] 有付款码收款或退款等待平台处理：下次同步时会自动处理。
       *[other] 平台拒绝了一笔付款码退款：请以现金退还顾客，并联系技术支持。
    }
   *[platform] { $status ->
        [pass] 平台接受本终端。
       *[other] 无法连接平台或平台拒绝本终端：请检查网络和注册情况。
    }
}
camera-demo-frames = 演示画面
camera-failed-retrying = 摄像头已停止或无法打开，正在重试。请检查连接线，或在设置中选择摄像头。
doctor-skipped = 未检查：终端尚未注册，或需先解决上面的问题。

# Money: one checkout owns a sale (issue 14)
payment-answer-lost = 平台对这笔支付的回复丢失了。请再按一次按钮重新查询：顾客绝不会被重复扣款。或作废这笔交易。
payment-voided = 这笔支付已取消并退还给顾客：请重新收款。
payment-unknown-reference = 没有此编号的支付到达平台。
payments-unreconciled = 之前有 { $count } 笔付款码支付尚未与平台核对，而平台暂时无法连接：请收取现金或刷卡，或联网后再试。
checkout-closed = 这笔交易已经结束，请开始新的交易。
checkout-cart-locked = 已开始收款：购物车现在不能修改。如需修改，请作废这笔交易。
checkout-nothing-due = 已无待付金额。
checkout-over-tender = { $method } { $amount } 超过了待付的 { $due }；只有现金可以找零。
checkout-zero-amount = 金额必须大于零。
checkout-later-mixed = “稍后支付”须覆盖整笔交易，不能与其他支付方式混用。
checkout-pay-now = 当场带走的商品须当场付款：请收现金、刷卡或扫付款码。
checkout-age-check = 本单含限龄商品（酒类、烟草）：须由店员先核验顾客年龄。
checkout-too-many-tenders = 每笔交易最多 { $max } 种支付。
checkout-unknown-tender = 这笔交易没有支付 { $reference }。
checkout-tender-pending = 支付 { $reference } 正在等待平台回复：请再按一次按钮。
checkout-not-paid = 还需支付 { $due }。
checkout-needs-approval = 此操作需要主管批准。
sale-not-committed = 订单未能保存，因此未完成销售。
sale-payment-given-back = 付款码支付已退还给顾客。
sale-payment-give-back-later = 平台可连接后，付款码支付将立即退还给顾客。

# Returns, voids and staff approval (issue 14)
return-not-a-receipt = 这不是小票：请扫描小票上的二维码，或输入小票号。
return-unknown-terminal = 这张小票来自本机尚不认识的收银终端：请先同步，再扫一次。
return-forged-receipt = 这张小票的二维码被改动或伪造：不能凭它退货。
return-not-found = 小票 { $receipt } 不是本机开出的：请改为扫描它的二维码（其他终端的小票可从二维码读取）。
return-other-store = 这张小票来自门店 { $store }：商品须退回售出的门店。
return-no-lines = 请至少选择一行退货。
return-not-on-receipt = 商品 { $gtin } 不在这张小票上。
return-more-than-bought = 商品 { $gtin } 购买了 { $bought } 件，已退回 { $returned } 件：不能再退 { $asked } 件。
return-tender-not-used = 这笔交易没有使用{ $method }支付：请退回原支付方式，或退现金。
return-nothing-paid = 这笔交易为货到付款或到店付款：没有可退的款项。
void-after-shift = 小票 { $receipt } 不是本机今天的销售，已不能作废：请改为办理退货。
staff-unknown = 本店没有员工 { $id }。请同步员工名单，或核对工号。
staff-inactive = { $id } 已不再是本店在职员工。
staff-wrong-pin = 员工密码错误：还可尝试 { $left } 次，之后将被锁定。
staff-locked = 员工密码错误次数过多，已锁定：请 { $seconds } 秒后再试。
staff-not-supervisor = { $id } 是收银员：此操作须由主管批准。

# Counter: voids, returns, approvals (issue 14)
void-sale = 作废交易
void-placed = 作废这笔交易
sale-voided = 交易已作废，已收款项已退还。
approve = 批准
approve-cancel = 取消
approve-help = 请主管输入工号和员工密码。
approve-void-sale = 作废当前交易
approve-void-placed = 作废刚完成的交易
approve-return = 批准退货
staff-id-placeholder = 工号
staff-pin-placeholder = 员工密码
returns-open = 退货
returns-title = 退货与退款
returns-help = 请扫描小票上的二维码，或输入小票号。
receipt-placeholder = 小票号或二维码
returns-find = 查找
returns-sale = 小票 { $receipt }，合计 { $total }
returns-line = 购买 { $bought } 件，可退 { $left } 件，单价 { $price }
refund-title = 退款至
refund-original = 原支付方式
refund-cash = 现金
returns-take = 退货并退款
returns-close = 关闭
return-done = 已按小票 { $receipt } 退货：退款 { $total }。
void-done = 小票 { $receipt } 已作废：退款 { $total }。
refund-line-cash = 现金 { $amount }：请从钱箱取出交给顾客。
refund-line-card = 银行卡 { $amount }：请在刷卡机上办理退款。
refund-line-code = 已退 { $amount } 至付款码。
refund-line-code-owed = { $amount } 将在平台可连接后立即退至付款码。
refund-line-code-refused = { $amount } 无法退至付款码：请改退现金。
approve-summary = { $items }，合计 { $total }
returns-damaged = 已损坏

# Shifts (issue 15)
shift-already-open = 已有班次在进行中（自 { $since } 起）：请先结班。
shift-none-open = 当前没有进行中的班次：请先清点备用金并开班。
shift-bad-denomination = { $value } 不是有效的面额。
shift-out-of-range = { $amount } 超出了钱箱的合理范围。
shift-no-reason = 存入或取出现金须注明原因。
shift-zero-move = 存入或取出的现金必须大于零。
shift-open-title = 开班
shift-open-help = 请清点钱箱中的现金并输入：这是今天开始时的备用金。
shift-float-placeholder = 备用金，例如 200.00
shift-open = 开班
shift-opened = 已开班，备用金 { $float }。
shift-desk-open = 班次
shift-desk-back = 返回
shift-desk-done = 完成
shift-loading = 正在读取班次…
shift-x-title = 本班至今（X 报表）
shift-z-title = 班次已结（Z 报表）
shift-cash-title = 钱箱存入或取出
shift-cash-in = 存入
shift-cash-out = 取出
shift-amount-placeholder = 金额
shift-reason-placeholder = 原因，例如：存银行
shift-cash-record = 记录
shift-cash-moved = 已记录钱箱存取。
shift-close = 结班…
shift-count-title = 清点钱箱
shift-count-help = 请清点钱箱中全部纸币和硬币并输入合计。确认之后才显示本班应有金额。
shift-counted-placeholder = 实点金额，例如 1234.50
shift-close-confirm = 结束本班
shift-r-sales = 销售
shift-r-count-amount = { $count } 笔 · { $amount }
shift-r-discounts = 优惠
shift-r-returns = 退货
shift-r-voids = 作废
shift-r-cash = 现金（净额）
shift-r-card = 银行卡（净额）
shift-r-code = 付款码（净额）
shift-r-later = 稍后支付
shift-r-tax = 含税（{ $rate } %）
shift-r-float = 备用金
shift-r-cash-in = 存入现金
shift-r-cash-out = 取出现金
shift-r-expected = 钱箱应有
shift-r-counted = 实点
shift-r-over-short = 长款（+）/ 短款（−）
shift-r-staff = { $staff } 的销售
shift-r-staff-unknown = （未记收银员）
customer-window = 顾客显示屏
customer-welcome = 欢迎光临
customer-store = 门店 { $store }
customer-idle-hint = 出示会员码即可积分。
customer-title = 您的商品
customer-total = 合计 { $total }
customer-discount = 已优惠 { $amount }
customer-due = 尚需支付 { $amount }
customer-thanks = 谢谢惠顾！
customer-change = 找零：{ $change }
customer-ereceipt = 扫码查看电子小票
receipt-title = 购物小票
receipt-store = 门店 { $store } · 收银台 { $terminal }
receipt-number = 小票号
receipt-time = 日期
receipt-clerk = 收银员
receipt-subtotal = 小计
receipt-discount = 优惠
receipt-total = 合计
receipt-cash = 现金
receipt-card = 银行卡
receipt-code = 付款码
receipt-later = 待付
receipt-change = 找零
receipt-fulfil-now = 当场带走。
receipt-fulfil-deliver = 送货上门。
receipt-fulfil-collect = 到店自提。
receipt-scan = 扫码查看电子小票（退货亦可凭此码）
receipt-thanks = 谢谢惠顾，欢迎再次光临！
receipt-not-found = 本收银台没有小票 { $receipt } 的交易：请核对小票号。
receipt-printed = 小票已打印。
print-no-printer = 未设置小票打印机：请技术人员在收银台设置中配置。
print-config = 打印机设置有误（{ $detail }）：请联系技术人员。
print-unreachable = 无法连接打印机 { $addr }（{ $reason }）：请检查线缆和电源。交易已保存。
print-offline = 打印机离线：请检查后重新打印小票。交易已保存。
print-paper-out = 打印机缺纸：请装入新纸卷后重新打印小票。交易已保存。
print-cover-open = 打印机纸仓盖未关：请关好后重新打印小票。交易已保存。
print-io = 打印失败（{ $detail }）。交易已保存。
print-bad-address = “{ $addr }”不是打印机地址：请联系技术人员。
print-page = 小票无法排版（{ $detail }）。
kiosk-age-title = 请店员核验您的年龄
kiosk-age-help = 酒类和烟草仅售予成年人。请按“请收银台核验”：店员查看您的证件后，在收银台或在此输入密码确认。
kiosk-age-staff = 店员：确认年龄
kiosk-age-confirmed = 店员已核验年龄，您可以付款了。
counter-age-checked = 已核验年龄：顾客已出示证件（年满 18 岁）
kiosk-more-time = 延长时间
kiosk-large-text = A+ 大字
kiosk-contrast = 高对比
kiosk-speech = 语音播报
kiosk-say-idle = 您还在吗？请触摸屏幕，或选择延长时间。
kiosk-choose-deliver = 送货上门
kiosk-choose-collect = 稍后到店自提
kiosk-key-space = 空格
kiosk-key-delete = 删除
kiosk-help-answered = 收银台 { $counter } 的店员马上就到
assist-call = 自助机 { $kiosk } 请求协助
assist-coming = 我来了
assist-failed = 无法发出协助请求（{ $detail }）：请向附近的店员求助。
kiosk-age-ask = 请收银台核验
kiosk-age-asked = 已通知收银台：店员将前来查看您的证件。
assist-age-call = 自助机 { $kiosk } 请求核验年龄
assist-age-approve = 用我的密码确认
assist-age-staff = 员工编号
assist-age-pin = 密码
assist-age-send = 确认年龄
age-approval-not-enrolled = 本收银台尚未在平台注册，自助机无法核实它发出的确认：请到自助机上输入员工密码确认。
age-approval-not-this-call = 收到的确认与本机的年龄核验不符：请再次请求收银台核验。
age-approval-unknown-device = 终端 { $device } 不在本机已知的本店终端中：请同步本机，或在此输入员工密码确认。
age-approval-forged = 已拒绝一个不真实的确认：请店员在此输入密码确认。

## 本店履约的线上订单（issue 16）
online-status-routed = 新订单
online-status-accepted = 已接单
online-status-picked = 已拣货
online-status-packed = 已打包
online-status-shipped = 已发货
online-status-ready-for-pickup = 待自提
online-status-collected = 已取货
online-status-rejected = 已退回平台
online-status-unfillable = 无门店可履约
pick-not-in-order = { $gtin } 不在这张订单里：请放回货架。
pick-extra = { $gtin } 共需 { $qty } 件，已全部拣齐：这一件多了，请放回。
pick-not-a-product = “{ $text }”不是商品条码：请扫描商品上的条码。
fulfil-unknown-order = 本店没有线上订单 { $order }：请先同步，再查看待履约队列。
fulfil-wrong-status = 线上订单 { $order } 当前为“{ $status }”，现在不能变为“{ $wanted }”。
fulfil-not-picked = 线上订单 { $order } 尚未拣齐：还差 { $missing } 件。
fulfil-wrong-label = 这张面单（{ $scanned }）不是本订单的包裹（{ $expected }）：请扫描要交出的包裹上的面单。
fulfil-bad-reason = 请说明退回订单的原因（最多 { $max } 个字）。
fulfil-database = 数据库拒绝了这一步：{ $detail }
label-marketplace-order = { $marketplace } 订单 { $id }（第 { $part }/{ $parts } 包）
label-deliver-to = 收货地址：{ $address }
label-collect-at = 自提门店：{ $store }
label-from-store = 发货门店：{ $store }
fulfil-open = 线上订单
online-desk-title = 本店待履约的线上订单
fulfil-loading = 正在读取订单队列…
fulfil-empty = 没有待履约的线上订单。新订单会随下次同步到达。
fulfil-items = { $n } 件
online-desk-deliver = 配送至 { $address }
fulfil-pickup = 到店自提（门店 { $store }）
fulfil-back = 返回
fulfil-refresh = 刷新
fulfil-order-head = 订单 { $order } · { $status }
fulfil-col-shelf = 货架
fulfil-col-item = 商品
fulfil-col-picked = 已拣
fulfil-hint-pick = 从货架取下每件商品时扫描它。
fulfil-hint-pack = 已全部拣齐：请打包并打印面单。
fulfil-hint-ship = 已打包：快递员取件时扫描包裹上的面单。
fulfil-hint-collect = 待自提：顾客取货时扫描包裹上的面单。
fulfil-pack = 打包并打印面单
fulfil-reprint = 重新打印面单
fulfil-reject = 退回订单
fulfil-reject-confirm = 确认退回平台
fulfil-reason-placeholder = 本店无法履约的原因
fulfil-open-an-order = 请先打开一张订单，再扫描商品。
fulfil-picked = 已拣货。
fulfil-label-printed = 已打包：面单已打印。
fulfil-label-saved = 已打包：面单已保存为 { $path }。
fulfil-label-not-saved = 已打包，但面单无法保存为 { $path }：{ $detail }
fulfil-shipped = 已交给快递员：已发货。
fulfil-collected = 已交给顾客：已取货。
fulfil-rejected = 已退回平台：订单将转给其他门店。
cart-stock-left = 本单售出后货架剩余 { $n }
