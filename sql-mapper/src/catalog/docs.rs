//! The table catalog as documentation, made from the table definitions themselves: a summary for
//! the README and the full reference in `docs/catalog.md`. A test keeps both files equal to what
//! this makes, so the documentation cannot drift from the code.

use super::{Catalog, Flavor, Product, Pushdown, TableDef};

/// The REST resources of a table on each flavor: (Cloud, Data Center).
fn resources(t: &TableDef) -> (String, String) {
    let (cloud, dc) = t.source.resources();
    let show = |v: Vec<String>| if v.is_empty() { "none (`HYC00`)".to_string() } else { v.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ") };
    (show(cloud), show(dc))
}

/// The names pushed parameters go by on each flavor: "`q=`" when the same on both, else
/// "`q=` (Cloud), `descriptionFilter=` (Data Center)".
fn sent_as(t: &TableDef, params: &[&str]) -> String {
    let shown = |names: Vec<&str>| names.iter().map(|n| format!("`{n}=`")).collect::<Vec<_>>().join("/");
    let parts = t.source.parts();
    if parts.is_empty() {
        return format!("{} (Cloud)", shown(params.to_vec()));
    }
    let on = |dc: bool| {
        parts
            .iter()
            .filter_map(|p| p.on(if dc { Flavor::DataCenter } else { Flavor::Cloud }))
            .find_map(|e| params.iter().map(|n| e.sends(n)).collect::<Option<Vec<_>>>())
            .map(shown)
    };
    match (on(false), on(true)) {
        (Some(c), Some(d)) if c == d => c,
        (Some(c), Some(d)) => format!("{c} (Cloud), {d} (Data Center)"),
        (Some(c), None) => format!("{c} (Cloud)"),
        (None, Some(d)) => format!("{d} (Data Center)"),
        (None, None) => shown(params.to_vec()),
    }
}

fn writes_of(t: &TableDef) -> String {
    let Some(w) = &t.writes else { return "read-only".into() };
    let verbs: Vec<&str> = [("INSERT", w.insert.is_some()), ("UPDATE", w.update.is_some() || w.status_by_transition), ("DELETE", w.delete.is_some())]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(v, _)| *v)
        .collect();
    verbs.join(", ")
}

fn language(t: &TableDef) -> &'static str {
    if t.product == Product::Jira {
        "JQL"
    } else {
        "CQL"
    }
}

/// The flavors a table reads on (the other refuses it with `HYC00`).
fn flavors_of(t: &TableDef) -> &'static str {
    let (cloud, dc) = t.source.resources();
    match (cloud.is_empty(), dc.is_empty()) {
        (false, false) => "Cloud, Data Center",
        (false, true) => "Cloud",
        (true, false) => "Data Center",
        (true, true) => "none",
    }
}

/// The README's summary: one row per table.
pub fn summary_markdown(catalog: &Catalog) -> String {
    let mut out = String::from("| table | what it holds | flavors | key | writes |\n| --- | --- | --- | --- | --- |\n");
    for t in catalog.tables() {
        out.push_str(&format!("| `{}` | {} | {} | {} | {} |\n", t.qualified_name(), t.remarks, flavors_of(t), t.key.join(", "), writes_of(t)));
    }
    out
}

/// `docs/catalog.md`: every table's columns, types, nullability, pushdown and writes.
pub fn reference_markdown(catalog: &Catalog) -> String {
    let mut out = String::from(
        "# Table catalog\n\nGenerated from the table definitions in `sql-mapper/src/catalog/` (a test checks that this file is what they make; \
         `ATLASSIAN_ODBC_WRITE_README=1 cargo test --workspace --lib` rewrites it). Jira custom fields are added to `Jira.Issues` per site, \
         each as a column named after the field, so they are not listed here.\n",
    );
    for t in catalog.tables() {
        let (cloud, dc) = resources(t);
        out.push_str(&format!(
            "\n## {}\n\n{} Key: {}. Writes: {}.\n\n- Cloud: {cloud}\n- Data Center: {dc}\n",
            t.qualified_name(),
            t.remarks,
            t.key.join(", "),
            writes_of(t)
        ));
        for fk in t.foreign_keys {
            out.push_str(&format!("- `{}` references `{}.{}.{}`\n", fk.column, fk.references.0.schema_name(), fk.references.1, fk.references.2));
        }
        out.push_str("\n| column | type | null | pushed down | writable | meaning |\n| --- | --- | --- | --- | --- | --- |\n");
        for c in &t.columns {
            let pushed = match &c.pushdown {
                Pushdown::None => String::new(),
                Pushdown::Query(name, _) => format!("{} `{name}`", language(t)),
                Pushdown::Param(name) => format!("parameter {}", sent_as(t, &[name])),
                Pushdown::Params(name) => format!("parameter {}, repeated for a list", sent_as(t, &[name])),
                Pushdown::Contains(name) => format!("substring parameter {}", sent_as(t, &[name])),
                Pushdown::Range(from, to) => format!("range parameters {}", sent_as(t, &[from, to])),
                Pushdown::Raw => format!("whole {} query", language(t)),
            };
            let writable = if c.write.is_some() { "yes" } else { "" };
            out.push_str(&format!(
                "| `{}` | {} | {} | {pushed} | {writable} | {} |\n",
                c.name,
                c.sql_type,
                if c.nullable { "yes" } else { "no" },
                c.remarks.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEGIN: &str = "<!-- table catalog: generated from sql-mapper/src/catalog -->\n";
    const END: &str = "<!-- end of table catalog -->";

    fn root(file: &str) -> String {
        format!("{}/../{file}", env!("CARGO_MANIFEST_DIR"))
    }

    /// `ATLASSIAN_ODBC_WRITE_README=1` rewrites both files instead of comparing.
    #[test]
    fn the_readme_and_docs_show_this_catalog() {
        let catalog = Catalog::standard();
        let write = std::env::var_os("ATLASSIAN_ODBC_WRITE_README").is_some();
        let readme = std::fs::read_to_string(root("README.md")).expect("README.md");
        let start = readme.find(BEGIN).expect("the README has the catalog's start marker") + BEGIN.len();
        let end = readme[start..].find(END).expect("and its end marker") + start;
        let summary = summary_markdown(&catalog);
        let reference = reference_markdown(&catalog);
        if write {
            std::fs::write(root("README.md"), format!("{}{summary}{}", &readme[..start], &readme[end..])).expect("write README.md");
            std::fs::write(root("docs/catalog.md"), &reference).expect("write docs/catalog.md");
            return;
        }
        assert_eq!(&readme[start..end], summary, "README.md's catalog differs from the code: rerun with ATLASSIAN_ODBC_WRITE_README=1");
        assert_eq!(
            std::fs::read_to_string(root("docs/catalog.md")).unwrap_or_default(),
            reference,
            "docs/catalog.md differs from the code: rerun with ATLASSIAN_ODBC_WRITE_README=1"
        );
    }
}
