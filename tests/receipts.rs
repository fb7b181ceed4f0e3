//! Receipts on paper: a sale's receipt printed over TCP to the test printer, which parses the
//! ESC/POS it receives; the receipt's QR is the signed e-receipt link; a printer out of paper
//! is said in the clerk's words and the sale stays stored; the PNG of a receipt reads back.

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use smartstore_hub::db::HubDb;
use smartstore_print::Paper;
use smartstore_testkit::printer::{
    Item, PrinterState, TestPrinter, decode_codes, parse, printed_qr_texts, rasters, render,
    text_lines,
};

fn smartstore(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smartstore"))
        .args(args)
        .env("SMARTSTORE_DATA_DIR", data)
        .env("SMARTSTORE_LANG", "en")
        .env_remove("DISPLAY")
        .output()
        .expect("run smartstore")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        smartstore_testkit::output_text(out)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An enrolled terminal of SH001 (its receipts carry the signed link) and one cash sale of two
/// products, 2 × water and 1 × tea, paid with 20.00: (receipt number, receipt code).
fn sold(dir: &Path) -> (String, String) {
    let hub_db = dir.join("hub.db");
    let url = format!("http://{}", smartstore_testkit::spawn_hub(&hub_db));
    // The hub's thread lives as long as the test process.
    let token = HubDb::open(&hub_db)
        .expect("hub db")
        .create_enrolment_tokens("SH001", 1)
        .expect("token")
        .remove(0);
    let term = dir.join("term");
    ok(&smartstore(
        &term,
        &["enroll", "--platform", &url, "--token", &token],
    ));
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-catalog.csv");
    ok(&smartstore(
        &term,
        &["catalog", "import", catalog.to_str().expect("path")],
    ));
    let out = ok(&smartstore(
        &term,
        &[
            "order",
            "create",
            "--scan",
            "6921000000019",
            "--scan",
            "6921000000019",
            "--scan",
            "6931003700045",
            "--pay",
            "cash:20.00",
            "--staff",
            "amy",
            "--json",
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    (
        json["receipt"].as_str().expect("receipt").to_owned(),
        json["receipt_code"].as_str().expect("code").to_owned(),
    )
}

fn printed(printer: &TestPrinter) -> Vec<Item> {
    let jobs = printer.wait_for_jobs(1, Duration::from_secs(10));
    let job = jobs.last().expect("a job");
    assert_eq!(job.error, None, "the printer understood every command");
    parse(&job.bytes).expect("ESC/POS")
}

#[test]
fn an_english_receipt_prints_as_text_with_its_qr_cut_and_drawer_kick() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (receipt, code) = sold(dir.path());
    assert!(
        code.starts_with("http://") && code.contains("/r/"),
        "{code}"
    );
    let printer = TestPrinter::start(PrinterState::Ready);
    let addr = printer.address().to_string();
    ok(&smartstore(
        &dir.path().join("term"),
        &[
            "receipt",
            "print",
            &receipt,
            "--printer",
            &addr,
            "--drawer",
            "--lang",
            "en",
        ],
    ));
    let items = printed(&printer);
    let lines = text_lines(&items);
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));
    assert!(has(&receipt), "{lines:#?}");
    assert!(has("Clerk") && has("amy"), "{lines:#?}");
    assert!(
        has("Jasmine green tea 500ml") && has("Oolong tea 500ml"),
        "{lines:#?}"
    );
    assert!(has("Taken at the counter."), "{lines:#?}");
    // Rows with ¥ or × are drawn (most printers lack those glyphs): one image per run of them.
    assert!(!rasters(&items).is_empty());
    assert_eq!(printed_qr_texts(&items), std::slice::from_ref(&code));
    assert!(items.iter().any(|i| matches!(i, Item::Cut { .. })));
    assert!(
        items
            .iter()
            .any(|i| matches!(i, Item::DrawerKick { pin: 0, .. }))
    );
    // The printer was asked how it is before anything printed.
    assert!(items.iter().any(|i| matches!(i, Item::StatusQuery(_))) || printer.jobs().len() == 1);
    // The page as the paper shows it: its QR reads back as the receipt code.
    let page = render(&items, Paper::Mm80).expect("render");
    assert!(decode_codes(&page).contains(&code));
}

#[test]
fn a_chinese_receipt_draws_its_chinese_lines_or_sends_them_in_gb18030() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (receipt, code) = sold(dir.path());
    let term = dir.path().join("term");
    let printer = TestPrinter::start(PrinterState::Ready);
    let addr = printer.address().to_string();
    ok(&smartstore(
        &term,
        &[
            "receipt",
            "print",
            &receipt,
            "--printer",
            &addr,
            "--lang",
            "zh-CN",
        ],
    ));
    let items = printed(&printer);
    assert!(
        rasters(&items).len() >= 2,
        "the Chinese lines are drawn as images"
    );
    assert!(!text_lines(&items).iter().any(|l| l.contains("合计")));
    assert_eq!(printed_qr_texts(&items), [code]);
    assert!(
        !items.iter().any(|i| matches!(i, Item::DrawerKick { .. })),
        "no drawer without --drawer"
    );

    let printer = TestPrinter::start(PrinterState::Ready);
    let addr = printer.address().to_string();
    ok(&smartstore(
        &term,
        &[
            "receipt",
            "print",
            &receipt,
            "--printer",
            &addr,
            "--lang",
            "zh-CN",
            "--text",
            "gb18030",
            "--paper",
            "58",
        ],
    ));
    let items = printed(&printer);
    assert!(rasters(&items).is_empty() || rasters(&items).len() == 1);
    // In the printer's Chinese mode every line is text: the amounts read back exactly.
    let lines = text_lines(&items);
    let row = |label: &str, amount: &str| {
        lines
            .iter()
            .any(|l| l.starts_with(label) && l.trim_end().ends_with(amount))
    };
    assert!(row("小票号", &receipt), "{lines:#?}");
    assert!(row("收银员", "amy"), "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("茉莉绿茶")), "{lines:#?}");
    assert!(row("  2 × ¥3.50", "¥7.00"), "{lines:#?}");
    assert!(row("小计", "¥11.00"), "{lines:#?}");
    assert!(row("合计", "¥11.00"), "{lines:#?}");
    assert!(row("现金", "¥20.00"), "{lines:#?}");
    assert!(row("找零", "¥9.00"), "{lines:#?}");
}

#[test]
fn a_printer_out_of_paper_is_said_and_prints_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (receipt, _) = sold(dir.path());
    let term = dir.path().join("term");
    for (state, words) in [
        (PrinterState::PaperOut, "out of paper"),
        (PrinterState::CoverOpen, "cover is open"),
        (PrinterState::Offline, "offline"),
    ] {
        let printer = TestPrinter::start(state);
        let addr = printer.address().to_string();
        let out = smartstore(&term, &["receipt", "print", &receipt, "--printer", &addr]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{state:?}: {err}");
        assert!(err.contains("The sale is stored"), "{err}");
        for job in printer.jobs() {
            let items = parse(&job.bytes).expect("ESC/POS");
            assert!(
                items.iter().all(|i| matches!(i, Item::StatusQuery(_))),
                "{state:?}: only status was asked, nothing printed: {items:?}"
            );
        }
    }
    // The sale is there whatever the printer said.
    let orders = ok(&smartstore(&term, &["orders", "--json"]));
    assert!(orders.contains(&receipt));
}

#[test]
fn a_receipt_drawn_to_png_reads_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (receipt, code) = sold(dir.path());
    let term = dir.path().join("term");
    let png = dir.path().join("receipt.png");
    ok(&smartstore(
        &term,
        &["receipt", "png", &receipt, png.to_str().expect("path")],
    ));
    let image = image::open(&png).expect("a png").to_luma8();
    assert!(image.width() >= Paper::Mm80.dots(), "{}", image.width());
    assert!(decode_codes(&image).contains(&code));
    let missing = smartstore(&term, &["receipt", "png", "SH001-T01-999999", "x.png"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("No sale SH001-T01-999999"));
}
