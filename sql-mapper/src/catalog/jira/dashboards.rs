//! `Jira.Dashboards`: the dashboards the connection's user can see, from `/rest/api/{3|2}/dashboard`.

use crate::catalog::{at, first_of, join, list, ColumnDef, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Jira,
        name: "Dashboards",
        remarks: "Jira dashboards the connection's user can see.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Dashboard id"),
            c("Name", Varchar(255), true, at("/name"), "Name"),
            c("Description", Varchar(4000), true, at("/description"), "Description"),
            c("OwnerAccountId", Varchar(128), true, first_of(&["/owner/accountId", "/owner/name"]), "Owner: account id (Cloud) or username (Data Center)"),
            c("OwnerDisplayName", Varchar(255), true, at("/owner/displayName"), "Their display name"),
            c("IsFavourite", Bit, true, at("/isFavourite"), "Whether it is one of the connection's user's favourites"),
            c("Popularity", Integer, true, at("/popularity"), "How many have it as a favourite"),
            c("SystemDashboard", Bit, true, at("/systemDashboard"), "Whether it is the system dashboard"),
            c("SharedWith", Varchar(4000), true, join("/sharePermissions", "/type"), "Share types, comma separated (global, loggedin, group, project, ...)"),
            c("ViewUrl", Varchar(4000), true, at("/view"), "The dashboard's page"),
        ],
        key: &["Id"],
        foreign_keys: &[],
        source: Source::Lists(vec![Part::list(list("/rest/api/{api}/dashboard", "/dashboards", Paging::StartAt(50)))]),
        writes: None,
    }
}
