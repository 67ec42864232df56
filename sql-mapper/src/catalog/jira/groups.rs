//! `Jira.Groups`: from `/rest/api/3/group/bulk` (Cloud) or `/rest/api/2/groups/picker` (Data Center).

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Groups",
        remarks: "Jira groups.",
        columns: vec![c("Name", Varchar(255), true, at("/name"), "Group name"), c("GroupId", Varchar(128), true, at("/groupId"), "Group id (Cloud)")],
        key: &["Name"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/3/group/bulk", "/values", Paging::StartAt(50))).on_data_center(Some(list(
            "/rest/api/2/groups/picker?maxResults=1000",
            "/groups",
            Paging::Whole,
        )))]),
        writes: None,
    }
}
