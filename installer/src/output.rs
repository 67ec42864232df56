//! How `query` and `dsn list` print rows: an aligned text table (widths from the first batch, so
//! rows stream out as they arrive), CSV, or JSON.

use std::io::Write;

use anyhow::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// The widest a table column gets; longer values are cut with `…`.
const MAX_WIDTH: usize = 60;

fn width(s: &str) -> usize {
    s.chars().count()
}

fn fit(s: &str, w: usize) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if width(&s) <= w {
        format!("{s}{}", " ".repeat(w - width(&s)))
    } else {
        let cut: String = s.chars().take(w.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// A whole small table at once (`dsn list`).
pub fn print_rows<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut out = RowWriter::new(Format::Table, header.iter().map(|h| h.to_string()).collect(), vec![Kind::Text; N], std::io::stdout());
    let batch: Vec<Vec<Option<String>>> = rows.iter().map(|r| r.iter().map(|c| Some(c.clone())).collect()).collect();
    let _ = out.batch(&batch).and_then(|_| out.finish());
}

/// How a column's text becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Bool,
}

/// Writes rows batch by batch in one format.
pub struct RowWriter<W: Write> {
    format: Format,
    names: Vec<String>,
    kinds: Vec<Kind>,
    widths: Vec<usize>,
    out: W,
    rows: u64,
    header_written: bool,
}

impl<W: Write> RowWriter<W> {
    pub fn new(format: Format, names: Vec<String>, kinds: Vec<Kind>, out: W) -> RowWriter<W> {
        RowWriter { format, widths: Vec::new(), names, kinds, out, rows: 0, header_written: false }
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn batch(&mut self, rows: &[Vec<Option<String>>]) -> Result<()> {
        match self.format {
            Format::Table => self.table(rows)?,
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(Vec::new());
                if self.rows == 0 && !self.header_written {
                    csv.write_record(&self.names)?;
                    self.header_written = true;
                }
                for r in rows {
                    csv.write_record(r.iter().map(|c| c.as_deref().unwrap_or("")))?;
                }
                let bytes = csv.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
                self.out.write_all(&bytes)?;
            }
            Format::Json => {
                for r in rows {
                    // Members in the result's column order (a JSON map would sort them).
                    let members: Vec<String> = self
                        .names
                        .iter()
                        .zip(r)
                        .zip(&self.kinds)
                        .map(|((n, v), k)| format!("{}:{}", serde_json::Value::from(n.as_str()), json_value(v.as_deref(), *k)))
                        .collect();
                    let sep = if self.rows == 0 { "[\n  " } else { ",\n  " };
                    write!(self.out, "{sep}{{{}}}", members.join(","))?;
                    self.rows += 1;
                }
                self.out.flush()?;
                return Ok(());
            }
        }
        self.rows += rows.len() as u64;
        self.out.flush()?;
        Ok(())
    }

    fn table(&mut self, rows: &[Vec<Option<String>>]) -> Result<()> {
        if self.widths.is_empty() {
            self.widths = self
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| rows.iter().map(|r| r[i].as_deref().map_or(4, width)).chain([width(n)]).max().unwrap_or(1).min(MAX_WIDTH))
                .collect();
            let head: Vec<String> = self.names.iter().zip(&self.widths).map(|(n, w)| fit(n, *w)).collect();
            writeln!(self.out, "{}", head.join(" | ").trim_end())?;
            let rule: Vec<String> = self.widths.iter().map(|w| "-".repeat(*w)).collect();
            writeln!(self.out, "{}", rule.join("-+-"))?;
        }
        for r in rows {
            let cells: Vec<String> = r.iter().zip(&self.widths).map(|(c, w)| fit(c.as_deref().unwrap_or("NULL"), *w)).collect();
            writeln!(self.out, "{}", cells.join(" | ").trim_end())?;
        }
        Ok(())
    }

    /// Closes the output: the JSON array's end, the table's row count.
    pub fn finish(&mut self) -> Result<()> {
        match self.format {
            Format::Json => writeln!(self.out, "{}", if self.rows == 0 { "[]" } else { "\n]" })?,
            Format::Table => {
                if self.widths.is_empty() {
                    self.table(&[])?;
                }
                writeln!(self.out, "({} row{})", self.rows, if self.rows == 1 { "" } else { "s" })?
            }
            Format::Csv => {
                if !self.header_written {
                    self.batch(&[])?;
                }
            }
        }
        self.out.flush()?;
        Ok(())
    }
}

fn json_value(v: Option<&str>, kind: Kind) -> serde_json::Value {
    let Some(v) = v else { return serde_json::Value::Null };
    match kind {
        Kind::Number => serde_json::from_str::<serde_json::Number>(v.trim()).map(serde_json::Value::Number).unwrap_or_else(|_| v.into()),
        Kind::Bool => serde_json::Value::Bool(matches!(v.trim(), "1" | "true" | "TRUE")),
        Kind::Text => v.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(v: &[&[Option<&str>]]) -> Vec<Vec<Option<String>>> {
        v.iter().map(|r| r.iter().map(|c| c.map(str::to_string)).collect()).collect()
    }

    #[test]
    fn a_table_streams_with_the_first_batch_widths() {
        let mut w = RowWriter::new(Format::Table, vec!["Key".into(), "Summary".into()], vec![Kind::Text; 2], Vec::new());
        w.batch(&rows(&[&[Some("ENG-1"), Some("First")], &[Some("ENG-2"), None]])).unwrap();
        w.batch(&rows(&[&[Some("ENG-10"), Some("a much longer summary")]])).unwrap();
        w.finish().unwrap();
        let text = String::from_utf8(w.out).unwrap();
        assert_eq!(text, "Key   | Summary\n------+--------\nENG-1 | First\nENG-2 | NULL\nENG-… | a much…\n(3 rows)\n");
    }

    #[test]
    fn json_is_typed_and_csv_quotes() {
        let mut j = RowWriter::new(Format::Json, vec!["Id".into(), "Done".into(), "Name".into()], vec![Kind::Number, Kind::Bool, Kind::Text], Vec::new());
        j.batch(&rows(&[&[Some("10001"), Some("1"), Some("a \"b\"")], &[None, Some("0"), None]])).unwrap();
        j.finish().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&j.out).unwrap();
        assert_eq!(v, serde_json::json!([{"Id": 10001, "Done": true, "Name": "a \"b\""}, {"Id": null, "Done": false, "Name": null}]));
        assert!(String::from_utf8_lossy(&j.out).starts_with("[\n  {\"Id\":10001,\"Done\":true,"), "columns keep their order");
        let mut c = RowWriter::new(Format::Csv, vec!["A".into(), "B".into()], vec![Kind::Text; 2], Vec::new());
        c.batch(&rows(&[&[Some("x,y"), None]])).unwrap();
        c.finish().unwrap();
        assert_eq!(String::from_utf8(c.out).unwrap(), "A,B\n\"x,y\",\n");
    }
}
