//! `Confluence.AuditRecords`: Confluence's audit log (administrators), from `/wiki/rest/api/audit`
//! (Cloud) or `/rest/api/audit` (Data Center).

use crate::catalog::{at, first_of, json_text, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "AuditRecords",
        remarks: "Confluence's audit log (administrators).",
        columns: vec![
            c("CreationDate", Timestamp, true, at("/creationDate"), "When (UTC)"),
            c("Summary", Varchar(4000), true, at("/summary"), "What happened"),
            c("Description", Varchar(4000), true, at("/description"), "More about it"),
            c("Category", Varchar(255), true, at("/category"), "Category"),
            c(
                "AuthorAccountId",
                Varchar(128),
                true,
                first_of(&["/author/accountId", "/author/username"]),
                "Who did it: account id (Cloud) or username (Data Center)",
            ),
            c("AuthorDisplayName", Varchar(255), true, at("/author/displayName"), "Their display name"),
            c("RemoteAddress", Varchar(64), true, at("/remoteAddress"), "From where"),
            c("SysAdmin", Bit, true, at("/sysAdmin"), "Whether a system administrator did it"),
            c("AffectedObjectType", Varchar(255), true, at("/affectedObject/objectType"), "Type of the object changed"),
            c("AffectedObjectName", Varchar(255), true, at("/affectedObject/name"), "Its name"),
            c("ChangedValues", LongVarchar, true, json_text("/changedValues"), "What changed, as JSON"),
            c("AssociatedObjects", LongVarchar, true, json_text("/associatedObjects"), "Other objects involved, as JSON"),
        ],
        // Records have no id: one is told apart by when, what and by whom.
        key: &["CreationDate", "Summary", "AuthorAccountId"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/wiki/rest/api/audit", "/results", Paging::Start(1000))).on_data_center(Some(list(
            "/rest/api/audit",
            "/results",
            Paging::Start(1000),
        )))]),
        writes: None,
    }
}
