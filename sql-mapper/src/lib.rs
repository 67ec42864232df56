//! SQL → Atlassian REST. Apache DataFusion is the SQL engine; each Confluence/Jira table is a
//! table provider that pushes filters into JQL/CQL, projections into `fields`, limits into page
//! sizes, and streams pages as Arrow batches.

mod adf;
mod bit_literals;
pub mod catalog;
mod error;
mod far_timestamps;
mod field_cache;
mod identifiers;
mod local_time;
pub mod procedures;
pub mod pushdown;
mod queries;
pub mod replica;
mod replication;
pub mod rest;
mod result_cache;
mod row_limits;
pub mod scan;
mod session;
mod values;
mod workflow;
mod writes;
mod xhtml;

pub use catalog::{Catalog, Product};
pub use error::{df_error, MapperError, SqlState};

/// Version of the mapper, reported by the driver's `SQLGetInfo(SQL_DRIVER_VER)`.
pub const MAPPER_VERSION: &str = env!("CARGO_PKG_VERSION");

pub use atlassian_oauth::Transport;
/// The typed values a prepared statement's parameters are bound with.
pub use datafusion::common::ScalarValue;
pub use replica::ReplicaOptions;
pub use rest::{Flavor, OrgAdmin, SiteConfig};
pub use session::{detect_site, CatalogOptions, ConnectOptions, MapperSession, PreparedStatement, QueryResult, SystemRelations};

/// One cell as display text (tests, the installer's table output): `NULL` for nulls.
pub fn display_cell(array: &dyn datafusion::arrow::array::Array, row: usize) -> String {
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    if array.is_null(row) {
        return "NULL".to_string();
    }
    match ArrayFormatter::try_new(array, &FormatOptions::default()) {
        Ok(f) => f.value(row).to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod layering {
    //! The mapper's modules depend one way: each uses only modules of its own layer or below.
    //! A `use` of a module above fails here, naming the file.

    /// Bottom to top.
    const LAYERS: &[&[&str]] = &[
        &["error", "values", "adf", "xhtml"],
        &["catalog", "identifiers", "row_limits", "local_time", "bit_literals", "far_timestamps"],
        &["rest", "field_cache", "result_cache", "replica"],
        &["pushdown"],
        &["scan"],
        &["queries"],
        &["writes", "procedures", "workflow", "replication"],
        &["session"],
    ];
    /// What the crate's root re-exports, by the module it comes from.
    const ROOT: &[(&str, &str)] = &[
        ("MapperError", "error"),
        ("SqlState", "error"),
        ("Catalog", "catalog"),
        ("Product", "catalog"),
        ("Flavor", "catalog"),
        ("QueryResult", "queries"),
        ("MapperSession", "session"),
    ];

    fn layer(module: &str) -> Option<usize> {
        LAYERS.iter().position(|l| l.contains(&module))
    }

    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("source directory").flatten() {
            let p = e.path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn no_module_uses_one_above_it() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        let mut wrong = Vec::new();
        for f in &files {
            let rel = f.strip_prefix(&src).expect("under src").to_string_lossy().replace('\\', "/");
            let module = rel.split('/').next().unwrap_or_default().trim_end_matches(".rs").to_string();
            if module == "lib" {
                continue;
            }
            let Some(own) = layer(&module) else {
                wrong.push(format!("{rel}: module {module} has no layer in LAYERS"));
                continue;
            };
            let text = std::fs::read_to_string(f).expect("readable source");
            // Unit tests may reach anything.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let used = ROOT.iter().find(|(n, _)| *n == name).map(|(_, m)| m.to_string()).unwrap_or(name);
                let Some(theirs) = layer(&used) else { continue };
                if theirs > own {
                    wrong.push(format!("{rel}: {module} uses {used}, a layer above it"));
                }
            }
        }
        wrong.sort();
        wrong.dedup();
        assert!(wrong.is_empty(), "modules using ones above them:\n{}", wrong.join("\n"));
    }
}
