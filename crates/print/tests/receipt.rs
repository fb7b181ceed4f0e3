//! Receipts encoded, sent over TCP to the test printer, parsed back and drawn.

use std::time::Duration;

use smartstore_print::layout::{self, Line, Widths};
use smartstore_print::{
    Block, EncodeOptions, Page, Paper, PrintError, QrMode, TextMode, encode, render_png, send,
};
use smartstore_testkit::printer::{
    Item, Job, PrinterState, TestPrinter, decode_codes, parse, printed_qr_texts, rasters, render,
    text_lines,
};

/// A signed receipt link as the platform makes it: 400 characters with a JWS.
const RECEIPT_URL: &str = "https://platform.example/r/eyJhbGciOiJFZERTQSIsImtpZCI6InNoMDAxLXQwMS0yMDI2In0.eyJyIjoiU0gwMDEtVDAxLTAwMDA0MiIsInMiOiJTSDAwMSIsImQiOiJUMDEiLCJ0IjoiMjAyNi0xMS0zMFQxNTo0MjowOCswODowMCIsInN1YiI6MzE0MCwiZGlzIjoxNDAsInRvdCI6MzAwMCwiY3VyIjoiQ05ZIiwibiI6MywicGF5IjpbeyJrIjoiY2FzaCIsImEiOjUwMDB9XSwiY2hnIjoyMDAwLCJ2IjoxfQ.pKvURIxJVi2CgRXROh_M6pJ_UrTVRZKX-LQ-QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr-Yg";

fn row(left: &str, right: &str) -> Block {
    Block::Row {
        left: left.into(),
        right: right.into(),
    }
}

fn english() -> Page {
    Page {
        blocks: vec![
            Block::Title("Shanghai Jing'an".into()),
            Block::Center("上海静安店".into()),
            Block::Center("1888 West Nanjing Rd, Jing'an".into()),
            Block::Center("Tel 021-6288 0042".into()),
            Block::Rule,
            Block::Text("Receipt  SH001-T01-000042".into()),
            Block::Text("Date     2026-11-30 15:42".into()),
            Block::Text("Cashier  07     Terminal T01".into()),
            Block::Rule,
            row("Item", "CNY"),
            row("Nongfu Spring 550ml", ""),
            row("  2 x 2.00", "4.00"),
            row("Tsingtao Beer 500ml", ""),
            row("  3 x 6.50", "19.50"),
            row("Lay's Cucumber Potato Chips 70g", ""),
            row("  1 x 7.90", "7.90"),
            Block::Rule,
            row("Subtotal", "31.40"),
            row("Discount", "-1.40"),
            row("TOTAL", "30.00"),
            row("Cash", "50.00"),
            row("Change", "20.00"),
            Block::Rule,
            Block::Center("Scan for your e-receipt".into()),
            Block::Qr(RECEIPT_URL.into()),
            Block::Center("Thank you for shopping with us!".into()),
            Block::Center("Returns within 7 days with this receipt".into()),
        ],
    }
}

fn chinese() -> Page {
    Page {
        blocks: vec![
            Block::Title("上海静安店".into()),
            Block::Center("Shanghai Jing'an".into()),
            Block::Center("上海市静安区南京西路1888号".into()),
            Block::Center("电话 021-6288 0042".into()),
            Block::Rule,
            Block::Text("小票号 SH001-T01-000042".into()),
            Block::Text("日期   2026-11-30 15:42".into()),
            Block::Text("收银员 07     终端 T01".into()),
            Block::Rule,
            row("商品", "金额"),
            row("农夫山泉 550ml", ""),
            row("  2 × ¥2.00", "¥4.00"),
            row("青岛啤酒 Tsingtao 500ml", ""),
            row("  3 × ¥6.50", "¥19.50"),
            row("乐事黄瓜味薯片 70g", ""),
            row("  1 × ¥7.90", "¥7.90"),
            Block::Rule,
            row("小计", "¥31.40"),
            row("优惠", "-¥1.40"),
            row("合计", "¥30.00"),
            row("现金 Cash", "¥50.00"),
            row("找零 Change", "¥20.00"),
            Block::Rule,
            Block::Center("扫码查看电子小票".into()),
            Block::Qr(RECEIPT_URL.into()),
            Block::Center("谢谢惠顾，欢迎再次光临！".into()),
            Block::Center("凭小票7天内可退换".into()),
        ],
    }
}

const WAIT: Duration = Duration::from_secs(10);

/// Sends `bytes` to a ready test printer and returns what it printed, parsed.
fn print(bytes: &[u8]) -> Vec<Item> {
    let printer = TestPrinter::start(PrinterState::Ready);
    let status = send(&printer.address(), bytes).expect("printed");
    assert!(status.checked && !status.paper_near_end, "{status:?}");
    let jobs = printer.wait_for_jobs(1, WAIT);
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].error, None);
    assert_eq!(
        jobs[0].bytes[..6],
        [0x10, 0x04, 1, 0x10, 0x04, 4],
        "status asked first"
    );
    assert_eq!(&jobs[0].bytes[6..], bytes);
    parse(&jobs[0].bytes).expect("the printer understands every byte")
}

/// The laid-out lines' text, for one kind of line.
fn laid_out(page: &Page, paper: Paper, widths: Widths, ascii: Option<bool>) -> Vec<String> {
    layout::layout(page, paper, widths)
        .expect("layout")
        .into_iter()
        .filter_map(|l| match l {
            Line::Text(t) if ascii.is_none_or(|a| t.is_ascii() == a) => Some(t.text),
            _ => None,
        })
        .collect()
}

#[test]
fn english_receipt_prints_as_text_with_one_image() {
    let options = EncodeOptions {
        open_drawer: true,
        ..EncodeOptions::default()
    };
    let items = print(&encode(&english(), Paper::Mm58, &options).expect("encode"));

    assert_eq!(
        items[..4],
        [
            Item::StatusQuery(1),
            Item::StatusQuery(4),
            Item::Init,
            Item::DrawerKick {
                pin: 0,
                on_ms: 50,
                off_ms: 500
            },
        ]
    );
    assert_eq!(
        items.last(),
        Some(&Item::Cut {
            partial: true,
            feed: 0
        })
    );
    let rule = "-".repeat(32);
    let want = [
        "Shanghai Jing'an",
        "1888 West Nanjing Rd, Jing'an",
        "Tel 021-6288 0042",
        &rule,
        "Receipt  SH001-T01-000042",
        "Date     2026-11-30 15:42",
        "Cashier  07     Terminal T01",
        &rule,
        "Item                         CNY",
        "Nongfu Spring 550ml",
        "  2 x 2.00                  4.00",
        "Tsingtao Beer 500ml",
        "  3 x 6.50                 19.50",
        "Lay's Cucumber Potato Chips 70g",
        "  1 x 7.90                  7.90",
        &rule,
        "Subtotal                   31.40",
        "Discount                   -1.40",
        "TOTAL                      30.00",
        "Cash                       50.00",
        "Change                     20.00",
        &rule,
        "Scan for your e-receipt",
        "Thank you for shopping with us!",
        "Returns within 7 days with this",
        "receipt",
    ];
    assert_eq!(text_lines(&items), want);
    // The title is big and bold; only the Chinese store name is an image, one line high.
    assert!(items.contains(&Item::Size {
        width: 2,
        height: 2
    }));
    assert!(items.contains(&Item::Bold(true)));
    let images = rasters(&items);
    assert_eq!(images.len(), 1);
    assert_eq!((images[0].width(), images[0].height()), (384, 30));
    assert!(images[0].black_dots() > 300);
    assert_eq!(printed_qr_texts(&items), [RECEIPT_URL]);
    assert!(items.contains(&Item::QrModel(2)));
    assert!(items.contains(&Item::QrErrorCorrection('M')));
    assert!(
        items.contains(&Item::QrModuleSize(4)),
        "a 400-character link on 58 mm"
    );
}

#[test]
fn chinese_receipt_prints_its_chinese_lines_as_images() {
    let page = chinese();
    let items = print(&encode(&page, Paper::Mm58, &EncodeOptions::default()).expect("encode"));

    // Printable ASCII lines go as text, in order.
    assert_eq!(
        text_lines(&items),
        laid_out(&page, Paper::Mm58, Widths::Unicode, Some(true))
    );
    assert_eq!(text_lines(&items)[0], "Shanghai Jing'an");
    // Every other line is in an image: as wide as the paper, whole lines high, the runs of
    // consecutive Chinese lines in one image each (up to 240 rows).
    let images = rasters(&items);
    let heights: Vec<u32> = images.iter().map(|b| b.height()).collect();
    assert_eq!(heights, [60, 60, 90, 210, 150, 30, 60]);
    assert!(images.iter().all(|b| b.width() == 384));
    let chinese_lines = laid_out(&page, Paper::Mm58, Widths::Unicode, Some(false)).len() as u32;
    // The title is one double-height line.
    assert_eq!(heights.iter().sum::<u32>(), (chinese_lines + 1) * 30);
    assert!(!items.contains(&Item::ChineseMode(true)));
    assert_eq!(printed_qr_texts(&items), [RECEIPT_URL]);
    assert!(matches!(
        items.last(),
        Some(Item::Cut { partial: true, .. })
    ));
    assert!(!items.iter().any(|i| matches!(i, Item::DrawerKick { .. })));
}

#[test]
fn gb18030_mode_round_trips_chinese_text_exactly() {
    let page = chinese();
    let options = EncodeOptions {
        mode: TextMode::Gb18030,
        ..EncodeOptions::default()
    };
    let items = print(&encode(&page, Paper::Mm58, &options).expect("encode"));
    let want = laid_out(&page, Paper::Mm58, Widths::Gb18030, None);
    assert_eq!(text_lines(&items), want);
    // In Chinese mode every non-ASCII character is printed two columns wide.
    assert!(
        want.iter().any(|l| l == "  2 × ¥2.00             ¥4.00"),
        "{want:#?}"
    );
    assert!(
        want.iter().any(|l| l == "找零 Change              ¥20.00"),
        "{want:#?}"
    );
    assert!(rasters(&items).is_empty());
    assert!(items.contains(&Item::ChineseMode(true)));
    assert!(items.contains(&Item::ChineseSize {
        double_width: true,
        double_height: true
    }));
    assert_eq!(printed_qr_texts(&items), [RECEIPT_URL]);
}

#[test]
fn qr_as_an_image_reads_back() {
    let options = EncodeOptions {
        qr: QrMode::Raster,
        ..EncodeOptions::default()
    };
    let items = print(&encode(&english(), Paper::Mm58, &options).expect("encode"));
    assert!(printed_qr_texts(&items).is_empty());
    // The store name, then the QR code in two pieces (4-dot modules, quiet zone above and below).
    let heights: Vec<u32> = rasters(&items).iter().map(|b| b.height()).collect();
    assert_eq!(heights.len(), 3, "{heights:?}");
    assert_eq!(heights[1], 240);
    let image = render(&items, Paper::Mm58).expect("render");
    assert_eq!(decode_codes(&image), [RECEIPT_URL]);
}

#[test]
fn a_printer_without_paper_prints_nothing() {
    let bytes = encode(&english(), Paper::Mm58, &EncodeOptions::default()).expect("encode");
    let cases = [
        (
            PrinterState::PaperOut,
            PrintError::PaperOut,
            vec![Item::StatusQuery(1), Item::StatusQuery(2)],
        ),
        (
            PrinterState::CoverOpen,
            PrintError::CoverOpen,
            vec![Item::StatusQuery(1), Item::StatusQuery(2)],
        ),
        (
            PrinterState::Offline,
            PrintError::Offline,
            vec![Item::StatusQuery(1)],
        ),
    ];
    for (state, error, asked) in cases {
        let printer = TestPrinter::start(state);
        assert_eq!(
            send(&printer.address(), &bytes),
            Err(error.clone()),
            "{state:?}"
        );
        let jobs = printer.wait_for_jobs(1, WAIT);
        assert_eq!(jobs.len(), 1, "{state:?}");
        assert_eq!(
            parse(&jobs[0].bytes).expect("parse"),
            asked,
            "{state:?}: only the questions"
        );
    }
    // Paper back in: the same printer prints.
    let printer = TestPrinter::start(PrinterState::PaperOut);
    assert_eq!(send(&printer.address(), &bytes), Err(PrintError::PaperOut));
    printer.set_state(PrinterState::Ready);
    assert!(send(&printer.address(), &bytes).is_ok());
    let jobs = printer.wait_for_jobs(2, WAIT);
    assert_eq!(jobs.len(), 2);
    // Jobs are listed as their connections finish, which a busy machine may swap: the one
    // with the receipt is the second connection, the other only asked.
    let printed: Vec<&Job> = jobs.iter().filter(|j| j.bytes.ends_with(&bytes)).collect();
    assert_eq!(printed.len(), 1, "one connection printed the receipt");
}

#[test]
fn long_lines_wrap_to_the_paper() {
    let long = "Goods may be returned within seven days with this receipt and the original \
                packaging; fresh food, alcohol and opened cosmetics cannot be returned.";
    let page = Page {
        blocks: vec![
            Block::Text(long.into()),
            Block::Center(
                "凭小票及完整包装七天内可退换，生鲜食品、酒类及已开封化妆品除外。谢谢".into(),
            ),
        ],
    };
    let mut widths = Vec::new();
    for (paper, lines) in [(Paper::Mm58, 5), (Paper::Mm80, 4)] {
        let items = print(&encode(&page, paper, &EncodeOptions::default()).expect("encode"));
        let text = text_lines(&items);
        assert_eq!(text.len(), lines, "{paper:?}: {text:#?}");
        assert!(text.iter().all(|l| l.len() <= paper.columns()), "{text:#?}");
        assert_eq!(
            text.join(" "),
            long.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        let images = rasters(&items);
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].width(), paper.dots());
        widths.push((images[0].width(), images[0].height()));
    }
    // 34 characters: three lines (16, 16, 2) on 58 mm, two (24, 10) on 80 mm.
    assert_eq!(widths, [(384, 90), (576, 60)]);
}

#[test]
fn receipt_png_is_the_paper() {
    for (page, paper) in [(english(), Paper::Mm58), (chinese(), Paper::Mm80)] {
        let png = render_png(&page, paper).expect("png");
        let image = image::load_from_memory(&png).expect("a PNG").to_luma8();
        assert_eq!(image.width(), paper.dots() + 32);
        assert!(image.height() > 900);
        assert_eq!(decode_codes(&image), [RECEIPT_URL]);
    }
}

/// Draws both receipts as the test printer printed them; `WRITE_SHOTS=1` writes
/// `docs/screenshots/receipt-printed-{en,zh}.png`.
#[test]
fn printed_receipts_drawn() {
    for (name, page) in [("en", english()), ("zh", chinese())] {
        let options = EncodeOptions {
            open_drawer: true,
            ..EncodeOptions::default()
        };
        let items = print(&encode(&page, Paper::Mm58, &options).expect("encode"));
        let image = render(&items, Paper::Mm58).expect("render");
        assert_eq!(image.width(), 384 + 32);
        assert_eq!(decode_codes(&image), [RECEIPT_URL], "{name}");
        if std::env::var_os("WRITE_SHOTS").is_some() {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../docs/screenshots/receipt-printed-{name}.png"));
            image.save(&path).expect("write the screenshot");
            println!("{}", path.display());
        }
    }
}
