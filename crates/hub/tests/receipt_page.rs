//! The e-receipt page (`GET /r/{token}`), over real HTTP on loopback: a terminal syncs its
//! sales with signed batches and a phone opens the receipt's QR link.

#[macro_use]
mod support;

use support::{Backend, CATALOG, STORE, Terminal, terminal_on};

const COLA: &str = "06921000000019";
const WATER: &str = "06921000000026";
const TEA: &str = "06921000000033";

/// ¥12.50: two colas, one tea; paid ¥20.00 in cash.
fn the_sale(t: &Terminal) -> support::Sale {
    t.sale(
        42,
        &[
            (COLA, "Coca-Cola 330 ml", 2, 350),
            (TEA, "Oolong tea 500 ml", 1, 550),
        ],
        2000,
    )
}

fn assert_safe_headers(reply: &support::Reply) {
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let csp = reply.header("content-security-policy").expect("a CSP");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("style-src 'unsafe-inline'"),
        "{csp}"
    );
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
}

/// Self-contained and small: no script, nothing loaded from elsewhere.
fn assert_self_contained(html: &str) {
    assert!(html.len() < 20 * 1024, "{} bytes", html.len());
    let lower = html.to_ascii_lowercase();
    for banned in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", "src=\"", "url(", "@import",
    ] {
        assert!(!lower.contains(banned), "{banned} in {html}");
    }
    assert!(lower.contains("<meta name=\"viewport\""), "{html}");
}

fn a_synced_receipt_shows_its_sale_in_chinese_and_in_english(backend: Backend) {
    let t = terminal_on(backend, Some(CATALOG));
    let sale = the_sale(&t);
    t.sync(&sale);
    let path = t.path(&sale);

    // Chinese by default, names from the catalog's Chinese names.
    let zh = t.get(&path, &[]);
    assert_eq!(zh.status, 200, "{}", zh.body);
    assert_safe_headers(&zh);
    assert_self_contained(&zh.body);
    assert_eq!(zh.header("content-language"), Some("zh-CN"));
    for text in [
        "<html lang=\"zh-CN\"",
        "电子小票",
        "SH001-T01-000042",
        STORE,
        "2026-11-30 18:05", // 10:05 UTC in the store's +08:00
        "可口可乐 330毫升",
        "乌龙茶 500毫升",
        "6921000000019",
        "×2",
        "¥3.50",
        "¥7.00",
        "¥5.50",
        "小计",
        "合计",
        "¥12.50",
        "现金",
        "找零",
        "¥20.00", // handed over
        "¥7.50",  // the change
        "href=\"?lang=en\"",
    ] {
        assert!(zh.body.contains(text), "{text} missing from {}", zh.body);
    }
    assert!(!zh.body.contains("Coca-Cola"), "{}", zh.body);

    // English when asked, by the query or by the browser's languages.
    for (query, header) in [("?lang=en", None), ("", Some("en-GB,en;q=0.9,zh;q=0.5"))] {
        let headers: Vec<(&str, &str)> = header
            .map(|h| vec![("Accept-Language", h)])
            .unwrap_or_default();
        let en = t.get(&format!("{path}{query}"), &headers);
        assert_eq!(en.status, 200, "{}", en.body);
        assert_safe_headers(&en);
        assert_self_contained(&en.body);
        for text in [
            "<html lang=\"en\"",
            "E-receipt",
            "SH001-T01-000042",
            "Coca-Cola 330 ml",
            "Oolong tea 500 ml",
            "×2",
            "Subtotal",
            "Total",
            "¥12.50",
            "Cash",
            "href=\"?lang=zh\"",
        ] {
            assert!(en.body.contains(text), "{text} missing from {}", en.body);
        }
        assert!(!en.body.contains("可口可乐"), "{}", en.body);
    }
    // The query wins over the header.
    let zh_again = t.get(&format!("{path}?lang=zh"), &[("Accept-Language", "en")]);
    assert!(zh_again.body.contains("合计"), "{}", zh_again.body);

    // A return the platform knows is on the page, with what stands after it.
    t.sync_return(&sale, &[(COLA, 1, 350)]);
    let after = t.get(&path, &[]);
    assert_eq!(after.status, 200);
    for text in ["退货与退款", "退货", "-¥3.50", "退款后实付", "¥9.00"] {
        assert!(
            after.body.contains(text),
            "{text} missing from {}",
            after.body
        );
    }
    let after_en = t.get(&format!("{path}?lang=en"), &[]);
    for text in ["Returns and refunds", "Refunded", "-¥3.50", "¥9.00"] {
        assert!(
            after_en.body.contains(text),
            "{text} missing from {}",
            after_en.body
        );
    }
}

fn without_a_catalog_the_page_names_products_as_the_sale_did_else_by_gtin(backend: Backend) {
    let t = terminal_on(backend, None);
    let sale = t.sale(
        7,
        &[(COLA, "Coca-Cola 330 ml", 1, 350), (WATER, "", 3, 200)],
        950,
    );
    t.sync(&sale);
    let page = t.get(&t.path(&sale), &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Coca-Cola 330 ml"), "{}", page.body);
    assert!(page.body.contains(">06921000000026<"), "{}", page.body);
    assert!(page.body.contains("¥9.50"), "{}", page.body);
}

fn a_genuine_receipt_not_synced_yet_is_a_404_that_says_so(backend: Backend) {
    let t = terminal_on(backend, Some(CATALOG));
    let sale = the_sale(&t);
    let path = t.path(&sale);
    let zh = t.get(&path, &[]);
    assert_eq!(zh.status, 404, "{}", zh.body);
    assert_safe_headers(&zh);
    assert_self_contained(&zh.body);
    for text in [
        "小票尚未上传到平台",
        "同步后",
        "请稍后再试",
        "SH001-T01-000042",
    ] {
        assert!(zh.body.contains(text), "{text} missing from {}", zh.body);
    }
    let en = t.get(&path, &[("Accept-Language", "en-US")]);
    assert_eq!(en.status, 404);
    for text in [
        "not on the platform yet",
        "once the store's terminal has synced",
        "try again later",
    ] {
        assert!(en.body.contains(text), "{text} missing from {}", en.body);
    }
    // Once the terminal syncs, the same link shows the receipt.
    t.sync(&sale);
    assert_eq!(t.get(&path, &[]).status, 200);
}

fn an_altered_forged_or_foreign_receipt_is_not_genuine(backend: Backend) {
    let t = terminal_on(backend, Some(CATALOG));
    let sale = the_sale(&t);
    t.sync(&sale);
    let token = t.token(&sale);

    // One byte of the payload altered.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let payload = parts[1].as_bytes().to_vec();
    let i = payload.len() / 2;
    let mut altered = payload.clone();
    altered[i] = if payload[i] == b'A' { b'B' } else { b'A' };
    parts[1] = String::from_utf8(altered).expect("ascii");
    let altered = parts.join(".");

    // Signed by a key the platform does not know under that device id.
    let stranger = smartstore_protocol::keys::SigningKey::generate(&t.device_id).expect("key");
    let forged = smartstore_protocol::receipt::sign(&stranger, &sale.code);
    // Signed by a key of no enrolled device.
    let unknown = smartstore_protocol::keys::SigningKey::generate("no-such-device").expect("key");
    let unknown = smartstore_protocol::receipt::sign(&unknown, &sale.code);
    // Genuinely signed by this terminal, but claiming a sale of another store.
    let foreign = t.token(&t.sale_as("BJ002-T01-000001", "BJ002", &[(COLA, "x", 1, 350)], 350));
    // Another document the terminal signs (a bearer-like JWS) is not a receipt.
    let not_receipt = smartstore_protocol::jws::jws_sign(
        &t.key,
        Some(smartstore_protocol::wire::BATCH_TYP),
        &serde_json::to_vec(&sale.code).expect("json"),
    );

    for (what, bad) in [
        ("altered", altered.as_str()),
        ("forged", forged.as_str()),
        ("unknown device", unknown.as_str()),
        ("another store", foreign.as_str()),
        ("not a receipt", not_receipt.as_str()),
        ("plain text", "SH001-T01-000042"),
        ("percent junk", "%FF%FE.%00"),
    ] {
        let zh = t.get(&format!("/r/{bad}"), &[]);
        assert_eq!(zh.status, 400, "{what}: {}", zh.body);
        assert_safe_headers(&zh);
        assert!(
            zh.body.contains("此小票不是真实小票"),
            "{what}: {}",
            zh.body
        );
        assert!(!zh.body.contains("¥12.50"), "{what}: {}", zh.body);
        let en = t.get(&format!("/r/{bad}?lang=en"), &[]);
        assert_eq!(en.status, 400, "{what}");
        assert!(
            en.body.contains("This receipt is not genuine"),
            "{what}: {}",
            en.body
        );
        // Nothing about the cryptography.
        for word in ["signature", "JWS", "kid", "key"] {
            assert!(!en.body.contains(word), "{what}: {word} in {}", en.body);
        }
    }
    // The genuine one still opens.
    assert_eq!(t.get(&format!("/r/{token}"), &[]).status, 200);
}

fn an_over_long_token_is_refused(backend: Backend) {
    let t = terminal_on(backend, None);
    let sale = the_sale(&t);
    t.sync(&sale);
    let long = format!("{}{}", t.token(&sale), "A".repeat(5000));
    let reply = t.get(&format!("/r/{long}"), &[]);
    assert_eq!(reply.status, 414, "{}", reply.body);
    assert_safe_headers(&reply);
    assert!(reply.body.contains("此小票不是真实小票"), "{}", reply.body);
    assert!(reply.body.len() < 20 * 1024);
}

fn html_in_names_and_numbers_is_escaped(backend: Backend) {
    let t = terminal_on(
        backend,
        Some(
            "gtin,name,name_zh,price\n\
         6921000000019,<b>Cola</b>,<script>alert(1)</script>,3.50\n",
        ),
    );
    let sale = t.sale(
        1,
        &[
            (COLA, "<b>Cola</b>", 1, 350),
            (WATER, "<img src=x onerror=alert(2)>&\"'", 1, 200),
        ],
        550,
    );
    t.sync(&sale);
    for lang in ["zh", "en"] {
        let page = t.get(&format!("{}?lang={lang}", t.path(&sale)), &[]);
        assert_eq!(page.status, 200, "{}", page.body);
        assert_self_contained(&page.body);
        assert!(!page.body.contains("<b>Cola"), "{}", page.body);
        assert!(!page.body.contains("<img"), "{}", page.body);
        assert!(
            page.body
                .contains("&lt;img src=x onerror=alert(2)&gt;&amp;&quot;&#39;"),
            "{}",
            page.body
        );
    }
    let zh = t.get(&t.path(&sale), &[]);
    assert!(
        zh.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        zh.body
    );
    // A receipt number from a (genuine) code, shown while the sale has not synced.
    let odd = t.sale_as("<i>SH001</i>", STORE, &[(COLA, "x", 1, 350)], 350);
    let page = t.get(&t.path(&odd), &[]);
    assert_eq!(page.status, 404, "{}", page.body);
    assert!(
        page.body.contains("&lt;i&gt;SH001&lt;/i&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<i>"), "{}", page.body);
}

on_both_backends!(
    a_synced_receipt_shows_its_sale_in_chinese_and_in_english,
    without_a_catalog_the_page_names_products_as_the_sale_did_else_by_gtin,
    a_genuine_receipt_not_synced_yet_is_a_404_that_says_so,
    an_altered_forged_or_foreign_receipt_is_not_genuine,
    an_over_long_token_is_refused,
    html_in_names_and_numbers_is_escaped
);
