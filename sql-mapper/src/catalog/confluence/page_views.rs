//! `Confluence.PageViews`: how often each page was viewed and by how many people, from Cloud's
//! analytics (`/wiki/rest/api/analytics/content/{id}/views` and `/viewers`). Data Center's REST
//! API has no analytics (`HYC00`: its page analytics are in the page's Analytics view).

use crate::catalog::{at, context, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

const PAGES: ParentLink = ParentLink { table: (Product::Confluence, "Pages"), bind: &[("Id", "PageId")], only: None };

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "PageViews",
        remarks: "Page analytics (Cloud): one row per page and measure, views or distinct viewers.",
        columns: vec![
            c("PageId", BigInt, true, context("PageId"), "Page"),
            c("Measure", Varchar(16), true, context("Measure"), "views or viewers"),
            c("Count", BigInt, true, at("/count"), "How many"),
        ],
        key: &["PageId", "Measure"],
        foreign_keys: &[ForeignKey { column: "PageId", references: (Product::Confluence, "Pages", "Id") }],
        source: Source::Lists(vec![
            Part::per(PAGES, list("/wiki/rest/api/analytics/content/{PageId}/views", "", Paging::Whole))
                .cloud_only()
                .by_hand("the page's ••• menu > Analytics")
                .with(&[("Measure", "views")]),
            Part::per(PAGES, list("/wiki/rest/api/analytics/content/{PageId}/viewers", "", Paging::Whole))
                .cloud_only()
                .by_hand("the page's ••• menu > Analytics")
                .with(&[("Measure", "viewers")]),
        ]),
        writes: None,
    }
}
