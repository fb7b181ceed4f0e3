//! The e-receipt page (`GET /r/{token}`): what a phone shows when it opens a receipt's QR. One
//! small self-contained HTML page (inline CSS, no script, no external resource), in Chinese or
//! English; every word of both languages is in [`ZH`] and [`EN`]. The HTTP side (verifying the
//! token, finding the sale) is `server.rs`; this module only turns what was found into HTML.

use std::fmt::Write as _;

use smartstore_domain::money::{Currency, Money};
use smartstore_domain::order::{TenderKind, TenderStatus};
use smartstore_domain::scan::PaymentScheme;

use crate::db::ReceiptRecord;

/// Tokens longer than this are refused (414) before anything else: a receipt's QR holds at most
/// about 3 KB, link included.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// The page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `?lang=zh|en` first, else the best of `Accept-Language` among Chinese and English, else
    /// Chinese.
    pub fn choose(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        let asked = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|pair| {
                let value = pair.strip_prefix("lang=")?;
                Lang::of_tag(value)
            });
        asked
            .or_else(|| accept_language.and_then(Lang::from_accept_language))
            .unwrap_or(Lang::Zh)
    }

    fn of_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language of highest weight (the first of equal weights) that the page has.
    fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(u32, Lang)> = None;
        for item in header.split(',').take(32) {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::of_tag) else {
                continue;
            };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1000), quality);
            let Some(q) = q.filter(|q| *q > 0) else {
                continue;
            };
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    fn words(self) -> &'static Words {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }

    /// The `lang` attribute and `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// A `q` value in thousandths (`0.8` → 800); `None` when it is not one.
fn quality(text: &str) -> Option<u32> {
    let text = text.trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u32 = match whole {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let frac: u32 = format!("{frac:0<3}").parse().ok()?;
    let q = whole * 1000 + frac;
    (q <= 1000).then_some(q)
}

/// Every word of the page, per language.
pub struct Words {
    title: &'static str,
    switch_to: &'static str,
    switch_lang: &'static str,
    verified: &'static str,
    store: &'static str,
    terminal: &'static str,
    receipt_no: &'static str,
    time: &'static str,
    item: &'static str,
    qty: &'static str,
    amount: &'static str,
    subtotal: &'static str,
    discount: &'static str,
    total: &'static str,
    paid: &'static str,
    change: &'static str,
    cash: &'static str,
    card: &'static str,
    code: &'static str,
    alipay: &'static str,
    wechat: &'static str,
    later: &'static str,
    returns: &'static str,
    kind_return: &'static str,
    kind_void: &'static str,
    refunded: &'static str,
    net: &'static str,
    footer: &'static str,
    not_yet_title: &'static str,
    not_yet: &'static str,
    not_genuine_title: &'static str,
    not_genuine: &'static str,
    unavailable_title: &'static str,
    unavailable: &'static str,
}

pub const ZH: Words = Words {
    title: "电子小票",
    switch_to: "English",
    switch_lang: "en",
    verified: "已核验：由门店收银台签发，与平台记录一致",
    store: "门店",
    terminal: "收银台",
    receipt_no: "小票号",
    time: "时间",
    item: "商品",
    qty: "数量",
    amount: "金额",
    subtotal: "小计",
    discount: "优惠",
    total: "合计",
    paid: "支付方式",
    change: "找零",
    cash: "现金",
    card: "银行卡",
    code: "付款码",
    alipay: "支付宝",
    wechat: "微信支付",
    later: "到付",
    returns: "退货与退款",
    kind_return: "退货",
    kind_void: "撤销",
    refunded: "退款",
    net: "退款后实付",
    footer: "本页面由平台根据门店同步的订单生成。退货时请出示本小票的二维码。",
    not_yet_title: "小票尚未上传到平台",
    not_yet: "门店收银台同步后，小票会显示在这里。请稍后再试。",
    not_genuine_title: "此小票不是真实小票",
    not_genuine: "该二维码不是本平台门店签发的小票，或已被改动。如有疑问，请联系门店。",
    unavailable_title: "暂时无法显示小票",
    unavailable: "平台暂时无法显示此小票。请稍后再试。",
};

pub const EN: Words = Words {
    title: "E-receipt",
    switch_to: "中文",
    switch_lang: "zh",
    verified: "Verified: issued by the store's terminal, matching the platform's record",
    store: "Store",
    terminal: "Terminal",
    receipt_no: "Receipt no.",
    time: "Time",
    item: "Item",
    qty: "Qty",
    amount: "Amount",
    subtotal: "Subtotal",
    discount: "Discount",
    total: "Total",
    paid: "Paid with",
    change: "Change",
    cash: "Cash",
    card: "Card",
    code: "Payment code",
    alipay: "Alipay",
    wechat: "WeChat Pay",
    later: "Pay on delivery",
    returns: "Returns and refunds",
    kind_return: "Return",
    kind_void: "Void",
    refunded: "Refunded",
    net: "Paid after refunds",
    footer: "Shown by the platform from the order the store's terminal synced. \
             For a return, show this receipt's QR code.",
    not_yet_title: "This receipt is not on the platform yet",
    not_yet: "It appears here once the store's terminal has synced. Please try again later.",
    not_genuine_title: "This receipt is not genuine",
    not_genuine: "This code was not issued by a store of this platform, or it was altered. \
                  If in doubt, ask the store.",
    unavailable_title: "The receipt cannot be shown right now",
    unavailable: "The platform cannot show this receipt right now. Please try again later.",
};

/// What the page shows.
pub enum Page<'a> {
    /// A genuine receipt whose sale the platform holds; times in the store's `offset`.
    Receipt {
        record: &'a ReceiptRecord,
        offset: time::UtcOffset,
    },
    /// A genuine receipt whose sale has not synced yet.
    NotYet { store: &'a str, receipt: &'a str },
    /// Forged, altered, of an unknown terminal, or not a receipt at all.
    NotGenuine,
    /// The platform failed (its database).
    Unavailable,
}

/// HTML-escapes text for an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An amount with its currency (`¥12.50`), escaped.
fn money(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(c) => escape(&Money::new(minor, c).to_string()),
        Err(_) => escape(&format!("{minor} {currency}")),
    }
}

/// `2026-11-30 18:00` in the store's time; the text as it came when it is not RFC 3339.
fn local_time(text: &str, offset: time::UtcOffset) -> String {
    match time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        Ok(t) => {
            let t = t.to_offset(offset);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => text.to_owned(),
    }
}

/// A GTIN in its usual short form (EAN-13 for most), as printed under the barcode.
fn gtin_shown(gtin: &str) -> String {
    smartstore_domain::gtin::Gtin::parse(gtin)
        .map_or_else(|_| gtin.to_owned(), |g| g.display_form())
}

fn method_name(method: &str, w: &Words) -> String {
    match method {
        "cash" => w.cash.to_owned(),
        "card" => w.card.to_owned(),
        "code" => w.code.to_owned(),
        "later" => w.later.to_owned(),
        other => other.to_owned(),
    }
}

fn tender_name(kind: &TenderKind, w: &Words) -> &'static str {
    match kind {
        TenderKind::Cash => w.cash,
        TenderKind::Card { .. } => w.card,
        TenderKind::Code {
            scheme: PaymentScheme::Alipay,
            ..
        } => w.alipay,
        TenderKind::Code {
            scheme: PaymentScheme::WeChatPay,
            ..
        } => w.wechat,
        TenderKind::Later => w.later,
    }
}

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#eef0f2;color:#1d1f22;font:15px/1.45 system-ui,-apple-system,\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\",sans-serif}\
main{max-width:30rem;margin:0 auto;padding:12px}\
.card{background:#fff;border-radius:12px;padding:18px 16px;box-shadow:0 1px 3px rgba(0,0,0,.12)}\
.top{display:flex;justify-content:space-between;align-items:baseline}\
h1{font-size:1.3rem;margin:0}\
h2{font-size:1rem;margin:18px 0 6px}\
.lang a{color:#0b5cad;text-decoration:none;border:1px solid #0b5cad;border-radius:14px;padding:2px 10px;font-size:.85rem}\
.sub{color:#5b6168;margin:2px 0 0}\
.ok{background:#e8f5ec;color:#1e6b35;border-radius:8px;padding:8px 10px;margin:12px 0;font-size:.88rem}\
.bad{background:#fdecea;color:#a01c12}\
.wait{background:#fff6e0;color:#7a5200}\
dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0}\
dt{color:#5b6168}\
dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}\
table{width:100%;border-collapse:collapse;margin-top:14px}\
th{font-weight:normal;color:#5b6168;font-size:.85rem;text-align:left;border-bottom:1px dashed #b8bcc2;padding:4px 0}\
td{padding:6px 0;border-bottom:1px dashed #dde0e4;vertical-align:top}\
.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;padding-left:8px}\
small{display:block;color:#7a8087;font-size:.78rem}\
.sum{margin-top:10px}\
.total{font-size:1.25rem;font-weight:bold;color:#1d1f22}\
.ret{border-top:1px dashed #b8bcc2;padding-top:4px}\
.ret table{margin-top:2px}\
.ret dl{margin-top:6px}\
footer{color:#7a8087;font-size:.78rem;margin:14px 4px 0;text-align:center}\
";

/// The whole page.
pub fn render(page: &Page<'_>, lang: Lang) -> String {
    let w = lang.words();
    let mut body = String::new();
    let mut footer = "";
    let title = match page {
        Page::Receipt { record, offset } => {
            receipt_body(&mut body, record, *offset, lang);
            footer = w.footer;
            format!("{} {}", w.title, record.order.receipt)
        }
        Page::NotYet { store, receipt } => {
            notice(&mut body, "wait", w.not_yet_title, w.not_yet);
            let _ = write!(
                body,
                "<dl class=\"sum\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
                w.store,
                escape(store),
                w.receipt_no,
                escape(receipt)
            );
            w.not_yet_title.to_owned()
        }
        Page::NotGenuine => {
            notice(&mut body, "bad", w.not_genuine_title, w.not_genuine);
            w.not_genuine_title.to_owned()
        }
        Page::Unavailable => {
            notice(&mut body, "wait", w.unavailable_title, w.unavailable);
            w.unavailable_title.to_owned()
        }
    };
    format!(
        "<!doctype html><html lang=\"{tag}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title><style>{STYLE}</style></head><body><main><div class=\"card\">\
         <div class=\"top\"><h1>{h1}</h1><span class=\"lang\"><a href=\"?lang={other}\" hreflang=\"{other}\">{switch}</a></span></div>\
         {body}</div>{footer}</main></body></html>",
        tag = lang.tag(),
        title = escape(&title),
        h1 = w.title,
        other = w.switch_lang,
        switch = w.switch_to,
        footer = if footer.is_empty() {
            String::new()
        } else {
            format!("<footer>{footer}</footer>")
        },
    )
}

fn notice(body: &mut String, class: &str, title: &str, text: &str) {
    let _ = write!(
        body,
        "<p class=\"ok {class}\"><strong>{title}</strong><br>{text}</p>"
    );
}

fn receipt_body(body: &mut String, record: &ReceiptRecord, offset: time::UtcOffset, lang: Lang) {
    let w = lang.words();
    let o = &record.order;
    let cur = o.currency.as_str();
    let _ = write!(
        body,
        "<p class=\"sub\">{} {} · {} {}</p><p class=\"ok\">{}</p>\
         <dl><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        w.store,
        escape(&o.store),
        w.terminal,
        escape(&o.terminal),
        w.verified,
        w.receipt_no,
        escape(&o.receipt),
        w.time,
        escape(&local_time(&o.created_at, offset)),
    );
    let _ = write!(
        body,
        "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        w.item, w.qty, w.amount
    );
    for line in &o.lines {
        // A weighed package: its weight, and the price per kilogram it was priced at.
        let how = match (line.weight_g, line.per_kg) {
            (Some(g), Some(per_kg)) => format!(
                "{} kg × {}/kg",
                smartstore_domain::weighed::kilograms(g),
                money(per_kg, cur)
            ),
            (Some(g), None) => format!("{} kg", smartstore_domain::weighed::kilograms(g)),
            _ => money(line.unit_price, cur),
        };
        let _ = write!(
            body,
            "<tr><td>{}<small>{} · {}</small></td><td class=\"n\">×{}</td><td class=\"n\">{}</td></tr>",
            escape(&product_name(record, &line.gtin, &line.name, lang)),
            escape(&gtin_shown(&line.gtin)),
            how,
            line.quantity,
            money(
                line.unit_price.saturating_mul(i64::from(line.quantity)),
                cur
            ),
        );
    }
    body.push_str("</tbody></table><dl class=\"sum\">");
    let _ = write!(
        body,
        "<dt>{}</dt><dd>{}</dd>",
        w.subtotal,
        money(o.subtotal, cur)
    );
    if o.discount != 0 {
        let _ = write!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            w.discount,
            money(-o.discount.abs(), cur)
        );
    }
    let _ = write!(
        body,
        "<dt class=\"total\">{}</dt><dd class=\"total\">{}</dd></dl>",
        w.total,
        money(o.total, cur)
    );
    let _ = write!(body, "<h2>{}</h2><dl>", w.paid);
    let live: Vec<_> = o
        .tenders
        .iter()
        .filter(|t| matches!(t.status, TenderStatus::Approved | TenderStatus::Pending))
        .collect();
    if live.is_empty() {
        let kind = TenderKind::from(o.payment.clone());
        let _ = write!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            tender_name(&kind, w),
            money(o.total, cur)
        );
    }
    for t in live {
        // Cash shows what was handed over and the change; the rest what they paid.
        let change = t.change().ok().filter(|c| c.minor > 0);
        let shown = if change.is_some() {
            t.tendered
        } else {
            t.amount
        };
        let _ = write!(
            body,
            "<dt>{}</dt><dd>{}</dd>",
            tender_name(&t.kind, w),
            escape(&shown.to_string())
        );
        if let Some(change) = change {
            let _ = write!(
                body,
                "<dt>{}</dt><dd>{}</dd>",
                w.change,
                escape(&change.to_string())
            );
        }
    }
    body.push_str("</dl>");
    if record.returns.is_empty() {
        return;
    }
    let _ = write!(body, "<h2>{}</h2>", w.returns);
    let mut refunded = 0i64;
    for r in &record.returns {
        refunded = refunded.saturating_add(r.total);
        let kind = if r.reason == "void" {
            w.kind_void
        } else {
            w.kind_return
        };
        let _ = write!(
            body,
            "<div class=\"ret\"><p class=\"sub\">{} · {}</p><table><tbody>",
            kind,
            escape(&local_time(&r.created_at, offset))
        );
        for l in &r.lines {
            let name = o
                .lines
                .iter()
                .find(|s| s.gtin == l.gtin)
                .map_or(l.gtin.as_str(), |s| s.name.as_str());
            let _ = write!(
                body,
                "<tr><td>{}<small>{}</small></td><td class=\"n\">×{}</td><td class=\"n\">{}</td></tr>",
                escape(&product_name(record, &l.gtin, name, lang)),
                escape(&gtin_shown(&l.gtin)),
                l.quantity,
                money(-l.unit_price.saturating_mul(i64::from(l.quantity)), cur),
            );
        }
        body.push_str("</tbody></table><dl>");
        for f in &r.refunds {
            let _ = write!(
                body,
                "<dt>{} · {}</dt><dd>{}</dd>",
                w.refunded,
                escape(&method_name(&f.method, w)),
                money(-f.amount, cur)
            );
        }
        body.push_str("</dl></div>");
    }
    let _ = write!(
        body,
        "<dl class=\"sum\"><dt class=\"total\">{}</dt><dd class=\"total\">{}</dd></dl>",
        w.net,
        money(o.total.saturating_sub(refunded), cur)
    );
}

/// A product's name in the page's language: the catalog's Chinese name for Chinese, else the
/// name the sale recorded, else the catalog's name, else the GTIN.
fn product_name(record: &ReceiptRecord, gtin: &str, sold_as: &str, lang: Lang) -> String {
    let catalog = record.names.get(gtin);
    let zh = catalog
        .and_then(|(_, zh)| zh.as_deref())
        .filter(|n| !n.trim().is_empty());
    let candidates = [
        if lang == Lang::Zh { zh } else { None },
        Some(sold_as),
        catalog.map(|(n, _)| n.as_str()),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|n| !n.trim().is_empty())
        .unwrap_or(gtin)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_query_then_the_header_then_chinese() {
        assert_eq!(Lang::choose(Some("lang=en"), Some("zh-CN")), Lang::En);
        assert_eq!(Lang::choose(Some("x=1&lang=zh"), Some("en")), Lang::Zh);
        assert_eq!(
            Lang::choose(Some("lang=fr"), Some("en-GB,en;q=0.9")),
            Lang::En
        );
        assert_eq!(
            Lang::choose(None, Some("fr-FR, en;q=0.5, zh-CN;q=0.8")),
            Lang::Zh
        );
        assert_eq!(Lang::choose(None, Some("de, en-US;q=0.7")), Lang::En);
        assert_eq!(Lang::choose(None, Some("en;q=0, fr")), Lang::Zh);
        assert_eq!(Lang::choose(None, Some("en;q=bogus")), Lang::Zh);
        assert_eq!(Lang::choose(None, None), Lang::Zh);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn amounts_carry_their_currency() {
        assert_eq!(money(1250, "CNY"), "¥12.50");
        assert_eq!(money(-50, "CNY"), "-¥0.50");
        assert_eq!(money(5, "<b>"), "5 &lt;b&gt;");
    }

    /// A weighed package shows its weight and price per kilogram, not "1 × its price".
    #[test]
    fn a_weighed_package_shows_its_weight() {
        let order: smartstore_protocol::events::OrderPlaced =
            serde_json::from_value(serde_json::json!({
                "event_id": "e1", "seq": 1, "type": "order.placed",
                "created_at": "2026-11-30T10:05:00Z", "order_id": "o1", "number": 1,
                "receipt": "SH001-T01-000001", "store": "SH001", "terminal": "T01",
                "fulfilment": {"kind": "now"}, "payment": {"method": "cash"},
                "member_id": null, "coupon_id": null,
                "lines": [
                    {"gtin": "02200101005326", "name": "Pork belly", "quantity": 1,
                     "unit_price": 1585, "weight_g": 532, "per_kg": 2980},
                    {"gtin": "06921000000019", "name": "Tea", "quantity": 2, "unit_price": 350}
                ],
                "subtotal": 2285, "discount": 0, "total": 2285, "currency": "CNY", "tenders": []
            }))
            .expect("an order");
        let record = ReceiptRecord {
            order,
            returns: Vec::new(),
            names: Default::default(),
        };
        let mut body = String::new();
        receipt_body(&mut body, &record, time::UtcOffset::UTC, Lang::En);
        assert!(body.contains("0.532 kg × ¥29.80/kg"), "{body}");
        assert!(body.contains("¥15.85"), "{body}");
        assert!(body.contains("· ¥3.50"), "{body}");
    }
}
