//! `Confluence.PageAncestors`: each page's ancestors, from its v1 content expanded with
//! `ancestors` (Cloud and Data Center; the root first), one request a page.

use serde_json::{json, Value};

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

/// The page's ancestors, each with its depth from the root (1).
fn ancestors(page: &Value) -> Vec<Value> {
    let chain = page.get("ancestors").and_then(Value::as_array).cloned().unwrap_or_default();
    let n = chain.len();
    chain
        .iter()
        .enumerate()
        .map(|(i, a)| json!({"id": a.get("id"), "title": a.get("title"), "type": a.get("type"), "depth": i + 1, "distance": n - i}))
        .collect()
}

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "PageAncestors",
        remarks: "Ancestors of each Confluence page, root first.",
        columns: vec![
            c("PageId", BigInt, true, context("PageId"), "Page"),
            c("AncestorId", BigInt, true, at("/id"), "An ancestor"),
            c("AncestorTitle", Varchar(255), true, at("/title"), "Its title"),
            c("AncestorType", Varchar(32), true, at("/type"), "Its type (page; folder, whiteboard ... on Cloud)"),
            c("Depth", Integer, true, at("/depth"), "Its depth: 1 for the root"),
            c("Distance", Integer, true, at("/distance"), "How far up it is: 1 for the parent"),
        ],
        key: &["PageId", "AncestorId"],
        foreign_keys: &[ForeignKey { column: "PageId", references: (Product::Confluence, "Pages", "Id") }],
        source: Source::Lists(vec![Part::per(
            ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "PageId")], only: None },
            list("/wiki/rest/api/content/{PageId}?expand=ancestors", "", Paging::Whole).unnest(ancestors),
        )
        .on_data_center(Some(list("/rest/api/content/{PageId}?expand=ancestors", "", Paging::Whole).unnest(ancestors)))]),
        writes: None,
    }
}
