//! `Jira.Workflows`: the site's workflows, from Cloud's `/rest/api/3/workflow/search` or Data
//! Center's `/rest/api/2/workflow` (site administrators only, on both).

use crate::catalog::{at, first_of, list, ColumnDef, Endpoint, Paging, Part, Product, Source, SqlType::*, TableDef};

/// Cloud's workflow search, its statuses and transitions expanded (the tables of those read it too).
pub(super) const SEARCH: Endpoint = list("/rest/api/3/workflow/search?expand=statuses,transitions", "/values", Paging::StartAt(50));

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Workflows",
        remarks: "Jira workflows (site administrators).",
        columns: vec![
            c("Name", Varchar(255), true, first_of(&["/id/name", "/name"]), "Workflow name"),
            c("EntityId", Varchar(64), true, at("/id/entityId"), "Workflow id (Cloud)"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("IsDefault", Bit, true, first_of(&["/isDefault", "/default"]), "Whether it is the default workflow"),
            c("Created", Timestamp, true, at("/created"), "Created (UTC; Cloud)"),
            c("Updated", Timestamp, true, at("/updated"), "Last updated (UTC; Cloud)"),
            c("Steps", Integer, true, at("/steps"), "Number of steps (Data Center)"),
        ],
        key: &["Name"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(SEARCH).on_data_center(Some(list("/rest/api/2/workflow", "", Paging::Whole)))]),
        writes: None,
    }
}
