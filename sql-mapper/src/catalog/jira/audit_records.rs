//! `Jira.AuditRecords`: the site's audit log (administrators), from Cloud's
//! `/rest/api/3/auditing/record`, `offset`/`limit` paged; filters on `Created` reach its `from`
//! and `to`. Jira Data Center 10.3's REST API has no audit resource (`HYC00`: its audit log is
//! at Administration > System > Audit log).

use crate::catalog::{at, json_text, list, range, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "AuditRecords",
        remarks: "Jira's audit log (site administrators; Cloud).",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Record id"),
            c("Summary", Varchar(4000), true, at("/summary"), "What happened"),
            c("Category", Varchar(255), true, at("/category"), "Category (user management, permissions, projects, ...)"),
            c("Created", Timestamp, true, at("/created"), "When (UTC)").pushed(range("from", "to")),
            c("AuthorAccountId", Varchar(128), true, at("/authorKey"), "Who did it"),
            c("RemoteAddress", Varchar(64), true, at("/remoteAddress"), "From where"),
            c("EventSource", Varchar(255), true, at("/eventSource"), "What made the change"),
            c("ObjectType", Varchar(64), true, at("/objectItem/typeName"), "Type of the object changed"),
            c("ObjectId", Varchar(255), true, at("/objectItem/id"), "Its id"),
            c("ObjectName", Varchar(255), true, at("/objectItem/name"), "Its name"),
            c("ChangedValues", LongVarchar, true, json_text("/changedValues"), "What changed, as JSON"),
            c("AssociatedItems", LongVarchar, true, json_text("/associatedItems"), "Other objects involved, as JSON"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/3/auditing/record", "/records", Paging::Offset(1000)).filtered_by(&["from", "to"]))
            .cloud_only()
            .by_hand("Administration > System > Audit log")]),
        writes: None,
    }
}
