//! `Jira.Organizations`: the site's customer organizations, from `/rest/servicedeskapi/organization`.

use super::PAGE;
use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Organizations",
        remarks: "Jira Service Management customer organizations.",
        columns: vec![c("Id", BigInt, true, at("/id"), "Organization id"), c("Name", Varchar(255), true, at("/name"), "Name")],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/servicedeskapi/organization", "/values", Paging::Start(PAGE)))]),
        writes: None,
    }
}
