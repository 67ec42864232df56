//! `Jira.IssueTypes`: from `/rest/api/{3|2}/issuetype`.

use crate::catalog::{at, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueTypes",
        remarks: "Jira issue types.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Issue type id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("IsSubtask", Bit, true, at("/subtask"), "Whether issues of this type are sub-tasks"),
            c("HierarchyLevel", Integer, true, at("/hierarchyLevel"), "1 for epics, 0 for standard types, -1 for sub-tasks"),
            c("IconUrl", Varchar(1000), true, at("/iconUrl"), "Icon"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/{api}/issuetype", "", Paging::Whole))]),
        writes: None,
    }
}
