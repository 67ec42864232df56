//! `Jira.PermissionSchemes`: the site's permission schemes, from `/rest/api/{3|2}/permissionscheme`.

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "PermissionSchemes",
        remarks: "Jira permission schemes (their grants: Jira.PermissionGrants).",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Scheme id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/{api}/permissionscheme", "/permissionSchemes", Paging::Whole))]),
        writes: None,
    }
}
