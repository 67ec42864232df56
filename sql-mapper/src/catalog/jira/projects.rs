//! `Jira.Projects`: from `/rest/api/3/project/search` (Cloud) or `/rest/api/2/project` (Data Center).

use crate::catalog::{at, json_text, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Projects",
        remarks: "Jira projects the connection can browse.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Project id"),
            c("Key", Varchar(255), true, at("/key"), "Project key"),
            c("Name", Varchar(255), true, at("/name"), "Project name"),
            c("ProjectTypeKey", Varchar(64), true, at("/projectTypeKey"), "software, business or service_desk"),
            c("IsPrivate", Bit, true, at("/isPrivate"), "Whether the project is private"),
            c("Style", Varchar(32), true, at("/style"), "classic (company-managed) or next-gen (team-managed)"),
            c("AvatarUrls", Varchar(4000), true, json_text("/avatarUrls"), "Avatar URLs as JSON"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/3/project/search", "/values", Paging::StartAt(100))).on_data_center(Some(list(
            "/rest/api/2/project",
            "",
            Paging::Whole,
        )))]),
        writes: None,
    }
}
