//! The catalog CSV (DESIGN §8): one reader with one set of rules for the terminal and the
//! platform. A header row; `gtin,name,price` required; `name_zh,currency,sku,unit,
//! age_restricted,stock` optional. The import is all rows or none: every problem is collected
//! with its line, a GTIN may appear once, a file without product rows is refused.

use std::collections::HashMap;
use std::io::Read;

use smartstore_domain::catalog::{CatalogColumns, CatalogItem, RowError};
use smartstore_domain::gtin::Gtin;
use smartstore_domain::money::Currency;

/// Problems kept for the report; the rest are counted.
pub const MAX_PROBLEMS_KEPT: usize = 20;

/// What is wrong with one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// The header row cannot be read at all.
    UnreadableHeader,
    /// A header the rules refuse (a missing or doubled column).
    Header(RowError),
    /// The CSV itself is broken on this line (bad quoting, not UTF-8).
    UnreadableRow,
    /// A row the rules refuse.
    Row(RowError),
    /// The GTIN already appears on an earlier line.
    DuplicateGtin { gtin: Gtin, first_line: u64 },
    /// A header and no product rows.
    NoRows,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line of the file (the header is line 1).
    pub line: u64,
    pub kind: ProblemKind,
}

/// Why nothing was imported: the first problems and how many there were in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRefusal {
    pub problems: Vec<Problem>,
    pub total: usize,
}

/// An import that did not complete: the file was refused, or writing a row failed.
#[derive(Debug)]
pub enum ImportFailure<E> {
    Refused(CatalogRefusal),
    Write(E),
}

impl<E> From<E> for ImportFailure<E> {
    fn from(e: E) -> Self {
        ImportFailure::Write(e)
    }
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::UnreadableHeader => write!(f, "cannot read the header row"),
            ProblemKind::Header(e) | ProblemKind::Row(e) => write!(f, "{e}"),
            ProblemKind::UnreadableRow => write!(f, "unreadable row (broken quoting or not UTF-8)"),
            ProblemKind::DuplicateGtin { gtin, first_line } => {
                write!(f, "GTIN {gtin} already appears on line {first_line}")
            }
            ProblemKind::NoRows => write!(f, "the file has a header but no product rows"),
        }
    }
}

impl std::fmt::Display for CatalogRefusal {
    /// The English report for logs and the platform's operators; the terminal renders the
    /// problems in the user's language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "catalog import refused, nothing was imported:")?;
        for p in &self.problems {
            writeln!(f, "  line {}: {}", p.line, p.kind)?;
        }
        if self.total > self.problems.len() {
            writeln!(
                f,
                "  … and {} more problems",
                self.total - self.problems.len()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for CatalogRefusal {}

struct Problems {
    kept: Vec<Problem>,
    total: usize,
}

impl Problems {
    fn add(&mut self, line: u64, kind: ProblemKind) {
        self.total += 1;
        if self.kept.len() < MAX_PROBLEMS_KEPT {
            self.kept.push(Problem { line, kind });
        }
    }

    fn refusal(self) -> CatalogRefusal {
        CatalogRefusal {
            problems: self.kept,
            total: self.total,
        }
    }
}

/// Reads a catalog CSV and hands every valid item to `write`, in file order, for as long as no
/// problem was found (after the first problem the rest is only validated, so the report lists
/// every problem). Returns how many rows were written; the caller commits only on `Ok`.
/// `default_currency` prices rows without a `currency` column.
pub fn import<E>(
    input: impl Read,
    default_currency: Currency,
    mut write: impl FnMut(&CatalogItem) -> Result<(), E>,
) -> Result<u64, ImportFailure<E>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(input);
    let mut problems = Problems {
        kept: Vec::new(),
        total: 0,
    };
    let columns = match reader.headers() {
        Ok(h) => CatalogColumns::from_header(h.iter()).map_err(ProblemKind::Header),
        Err(_) => Err(ProblemKind::UnreadableHeader),
    };
    let columns = match columns {
        Ok(c) => c,
        Err(kind) => {
            problems.add(1, kind);
            return Err(ImportFailure::Refused(problems.refusal()));
        }
    };
    let mut seen: HashMap<Gtin, u64> = HashMap::new();
    let mut written = 0u64;
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                problems.add(line.max(2), ProblemKind::UnreadableRow);
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line());
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let fields: Vec<&str> = record.iter().collect();
        let item = match columns.parse_row(&fields, default_currency) {
            Ok(item) => item,
            Err(e) => {
                problems.add(line, ProblemKind::Row(e));
                continue;
            }
        };
        if let Some(first_line) = seen.insert(item.gtin, line) {
            problems.add(
                line,
                ProblemKind::DuplicateGtin {
                    gtin: item.gtin,
                    first_line,
                },
            );
            continue;
        }
        if problems.total == 0 {
            write(&item)?;
            written += 1;
        }
    }
    if problems.total == 0 && written == 0 {
        problems.add(reader.position().line().max(1), ProblemKind::NoRows);
    }
    if problems.total > 0 {
        return Err(ImportFailure::Refused(problems.refusal()));
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(csv: &str) -> Result<Vec<CatalogItem>, CatalogRefusal> {
        let mut items = Vec::new();
        match import::<()>(csv.as_bytes(), Currency::CNY, |i| {
            items.push(i.clone());
            Ok(())
        }) {
            Ok(n) => {
                assert_eq!(n as usize, items.len());
                Ok(items)
            }
            Err(ImportFailure::Refused(r)) => Err(r),
            Err(ImportFailure::Write(())) => unreachable!("the sink never fails"),
        }
    }

    fn kinds(r: &CatalogRefusal) -> Vec<(u64, ProblemKind)> {
        r.problems
            .iter()
            .map(|p| (p.line, p.kind.clone()))
            .collect()
    }

    #[test]
    fn valid_rows_are_written_in_order() {
        let items = run(
            "gtin,name,price,currency\n6921000000019,Tea,3.50,\n6921000000026,Rice,12.00,EUR\n",
        )
        .expect("valid");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].price.currency, Currency::CNY);
        assert_eq!(items[1].price.currency.code(), "EUR");
    }

    #[test]
    fn the_same_rules_refuse_the_same_files() {
        let dup = run("gtin,name,price\n6921000000019,Tea,3.50\n6921000000019,Tea again,4.00\n")
            .expect_err("duplicate");
        assert_eq!(
            kinds(&dup),
            vec![(
                3,
                ProblemKind::DuplicateGtin {
                    gtin: Gtin::parse("6921000000019").expect("gtin"),
                    first_line: 2
                }
            )]
        );
        let empty = run("gtin,name,price\n").expect_err("empty");
        assert!(matches!(empty.problems[0].kind, ProblemKind::NoRows));
        let header = run("gtin,price\n6921000000019,3.50\n").expect_err("no name column");
        assert_eq!(
            kinds(&header),
            vec![(1, ProblemKind::Header(RowError::MissingColumn("name")))]
        );
        let nothing = run("").expect_err("no header");
        assert_eq!(nothing.problems[0].line, 1);
    }

    #[test]
    fn every_problem_is_counted_and_nothing_written_after_the_first() {
        let mut csv = String::from("gtin,name,price\n6921000000019,Tea,3.50\n");
        for _ in 0..30 {
            csv.push_str("123,Bad,1.00\n");
        }
        csv.push_str("6921000000026,Rice,12.00\n");
        let mut written = 0;
        let r = import::<()>(csv.as_bytes(), Currency::CNY, |_| {
            written += 1;
            Ok(())
        });
        let Err(ImportFailure::Refused(r)) = r else {
            panic!("refused expected")
        };
        assert_eq!((r.total, r.problems.len()), (30, MAX_PROBLEMS_KEPT));
        assert_eq!(
            written, 1,
            "rows after a problem are validated, not written"
        );
        assert!(r.to_string().contains("and 10 more problems"));
    }
}
