//! `Jira.Fields`: system and custom fields, from `/rest/api/{3|2}/field`.

use crate::catalog::{at, join, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Fields",
        remarks: "Jira fields, system and custom (each custom field is also a column of Jira.Issues).",
        columns: vec![
            c("Id", Varchar(255), true, at("/id"), "Field id (summary, customfield_10016)"),
            c("Key", Varchar(255), true, at("/key"), "Field key"),
            c("Name", Varchar(255), true, at("/name"), "Field name"),
            c("IsCustom", Bit, true, at("/custom"), "Whether it is a custom field"),
            c("SchemaType", Varchar(64), true, at("/schema/type"), "Value type (string, number, date, array, option, user...)"),
            c("SchemaItems", Varchar(64), true, at("/schema/items"), "Item type of array fields"),
            c("SchemaCustom", Varchar(255), true, at("/schema/custom"), "Custom field type key"),
            c("CustomId", BigInt, true, at("/schema/customId"), "Number of a custom field (cf[N] in JQL)"),
            c("ClauseNames", Varchar(1000), true, join("/clauseNames", ""), "Names usable in JQL, comma-separated"),
            c("Navigable", Bit, true, at("/navigable"), "Can be a column in issue navigator"),
            c("Orderable", Bit, true, at("/orderable"), "Can be set on create and edit"),
            c("Searchable", Bit, true, at("/searchable"), "Can be searched with JQL"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/{api}/field", "", Paging::Whole))]),
        writes: None,
    }
}
