//! `Jira.IssueVotes`: who voted for each issue, from `/rest/api/{3|2}/issue/{key}/votes`.
//! Read-only: a vote is cast or withdrawn only by its voter, in Jira.

use crate::catalog::{at, context, first_of, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

use super::ISSUE_PARENT;

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "IssueVotes",
        remarks: "Who voted for each Jira issue (the Jira.Issues column VoteCount counts them).",
        columns: vec![
            c("IssueKey", Varchar(255), true, context("IssueKey"), "Key of the issue"),
            c("IssueId", BigInt, true, context("IssueId"), "Id of the issue"),
            c("AccountId", Varchar(128), true, first_of(&["/accountId", "/name"]), "The voter: account id (Cloud) or username (Data Center)"),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Their display name"),
        ],
        key: &["IssueKey", "AccountId"],
        foreign_keys: &[ForeignKey { column: "IssueKey", references: (Product::Jira, "Issues", "Key") }],
        source: Source::Lists(vec![Part::per(ISSUE_PARENT, list("/rest/api/{api}/issue/{IssueKey}/votes", "/voters", Paging::Whole))]),
        writes: None,
    }
}
