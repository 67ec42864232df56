//! `Jira.Statuses`: from `/rest/api/{3|2}/status`.

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Statuses",
        remarks: "Jira issue statuses and their categories.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Status id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("CategoryId", BigInt, true, at("/statusCategory/id"), "Status category id"),
            c("CategoryKey", Varchar(64), true, at("/statusCategory/key"), "new, indeterminate or done"),
            c("CategoryName", Varchar(255), true, at("/statusCategory/name"), "To Do, In Progress or Done"),
            c("CategoryColor", Varchar(64), true, at("/statusCategory/colorName"), "Colour of the category"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/{api}/status", "", Paging::Whole))]),
        writes: None,
    }
}
