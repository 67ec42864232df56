//! `Jira.Filters`: saved filters, from `/rest/api/{3|2}/filter/search`.

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Filters",
        remarks: "Saved Jira filters the connection can see.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Filter id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("Jql", Varchar(4000), true, at("/jql"), "The filter's JQL"),
            c("OwnerAccountId", Varchar(128), true, at("/owner/accountId"), "Owner"),
            c("OwnerDisplayName", Varchar(255), true, at("/owner/displayName"), "Owner's display name"),
            c("Favourite", Bit, true, at("/favourite"), "A favourite of the connection's user"),
            c("FavouritedCount", BigInt, true, at("/favouritedCount"), "How many users favourited it"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list(
            "/rest/api/{api}/filter/search?expand=description,jql,owner,favourite,favouritedCount",
            "/values",
            Paging::StartAt(100),
        ))]),
        writes: None,
    }
}
