//! `Jira.IssueWatchers`: who watches each issue, from `/rest/api/{3|2}/issue/{key}/watchers`.
//! Adding a row makes the user a watcher; deleting it stops their watching. Cloud names the
//! user by account id; Data Center by username.

use crate::catalog::{
    as_answered, at, context, delete, first_of, list, post, unchanged, ColumnDef, DataCenterWrites, ForeignKey, Paging, Part, Product, Shape, Source,
    SqlType::*, TableDef, Writes,
};

use super::ISSUE_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueWatchers",
        remarks: "Who watches each Jira issue.",
        columns: vec![
            c("IssueKey", Varchar(255), true, context("IssueKey"), "Key of the issue"),
            c("IssueId", BigInt, true, context("IssueId"), "Id of the issue"),
            // The request body is the user itself (a JSON string).
            c("AccountId", Varchar(128), true, first_of(&["/accountId", "/name"]), "The watcher: account id (Cloud) or username (Data Center)")
                .writes("", Shape::Plain),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Their display name"),
            c("Active", Bit, true, at("/active"), "Whether their account is active"),
        ],
        key: &["IssueKey", "AccountId"],
        foreign_keys: &[ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") }],
        source: Source::Lists(vec![Part::per(ISSUE_PARENT, list("/rest/api/{api}/issue/{IssueKey}/watchers", "/watchers", Paging::Whole))]),
        writes: Some(Writes {
            insert: Some(post("/rest/api/{api}/issue/{IssueKey}/watchers")),
            delete: Some(delete("/rest/api/{api}/issue/{IssueKey}/watchers?accountId={AccountId}")),
            required: &["IssueKey", "AccountId"],
            returns: &[("AccountId", "")],
            data_center: Some(DataCenterWrites {
                insert: Some(post("/rest/api/{api}/issue/{IssueKey}/watchers")),
                update: None,
                delete: Some(delete("/rest/api/{api}/issue/{IssueKey}/watchers?username={AccountId}")),
                body: unchanged,
                answer: as_answered,
            }),
            ..Writes::default()
        }),
    }
}
