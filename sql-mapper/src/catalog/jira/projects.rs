//! `Jira.Projects`: from `/rest/api/3/project/search` (Cloud) or `/rest/api/2/project` (Data Center),
//! expanded with each project's description, lead and URL; its category comes with it.

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
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("LeadAccountId", Varchar(128), true, at("/lead/accountId"), "Account id of the project lead"),
            c("LeadDisplayName", Varchar(255), true, at("/lead/displayName"), "The project lead's display name"),
            c("CategoryId", BigInt, true, at("/projectCategory/id"), "Project category id"),
            c("Category", Varchar(255), true, at("/projectCategory/name"), "Project category name"),
            c("Url", Varchar(2000), true, at("/url"), "The URL the project names (its documentation or home)"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/3/project/search?expand=description,lead,url", "/values", Paging::StartAt(100)))
            .on_data_center(Some(list("/rest/api/2/project?expand=description,lead,url", "", Paging::Whole)))]),
        writes: None,
    }
}
