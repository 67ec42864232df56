//! `Jira.ProjectRoleActors`: who holds each project role (users and groups), from
//! `/rest/api/{3|2}/project/{key}/role/{id}`.

use crate::catalog::{at, context, first_of, list, ColumnDef, ForeignKey, Paging, ParentLink, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "ProjectRoleActors",
        remarks: "Users and groups in each Jira project role.",
        columns: vec![
            c("ProjectKey", Varchar(255), true, context("ProjectKey"), "Project key"),
            c("RoleId", BigInt, true, context("RoleId"), "Role id"),
            c("RoleName", Varchar(255), true, context("RoleName"), "Role name"),
            c("ActorType", Varchar(64), true, at("/type"), "atlassian-user-role-actor or atlassian-group-role-actor (Cloud)"),
            c("AccountId", Varchar(128), true, at("/actorUser/accountId"), "The user, for a user actor (Cloud)"),
            c("GroupName", Varchar(255), true, at("/actorGroup/name"), "The group, for a group actor (Cloud)"),
            c(
                "Name",
                Varchar(255),
                true,
                first_of(&["/name", "/actorGroup/name", "/actorUser/accountId"]),
                "The actor's name: group name or user (Data Center: username)",
            ),
            c("DisplayName", Varchar(255), true, at("/displayName"), "Display name"),
        ],
        key: &["ProjectKey", "RoleId", "Name"],
        foreign_keys: &[ForeignKey { column: "ProjectKey", references: (Product::Jira, "ProjectRoles", "ProjectKey") }],
        source: Source::Lists(vec![Part::per(
            ParentLink {
                table: (Product::Jira, "ProjectRoles"),
                bind: &[("ProjectKey", "ProjectKey"), ("RoleId", "RoleId"), ("RoleName", "RoleName")],
                only: None,
            },
            list("/rest/api/{api}/project/{ProjectKey}/role/{RoleId}", "/actors", Paging::Whole),
        )]),
        writes: None,
    }
}
