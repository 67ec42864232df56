//! `Confluence.Tasks`: tasks (checkbox items) in pages and blog posts, from `/wiki/api/v2/tasks` (Cloud).

use crate::catalog::{at, list, ColumnDef, ForeignKey, Paging, Part, Product, Source, SqlType::*, TableDef};

pub fn table() -> TableDef {
    let c = ColumnDef::new;
    TableDef {
        product: Product::Confluence,
        name: "Tasks",
        remarks: "Confluence tasks.",
        columns: vec![
            c("Id", BigInt, true, at("/id"), "Task id"),
            c("LocalId", Varchar(64), true, at("/localId"), "Id within its content"),
            c("PageId", BigInt, true, at("/pageId"), "Page holding the task"),
            c("BlogPostId", BigInt, true, at("/blogPostId"), "Blog post holding the task"),
            c("SpaceId", BigInt, true, at("/spaceId"), "Its space"),
            c("Status", Varchar(32), true, at("/status"), "complete or incomplete"),
            c("CreatedBy", Varchar(128), true, at("/createdBy"), "Creator's account id"),
            c("AssignedTo", Varchar(128), true, at("/assignedTo"), "Assignee's account id"),
            c("CompletedBy", Varchar(128), true, at("/completedBy"), "Who completed it"),
            c("CreatedAt", Timestamp, true, at("/createdAt"), "Created (UTC)"),
            c("UpdatedAt", Timestamp, true, at("/updatedAt"), "Updated (UTC)"),
            c("DueAt", Timestamp, true, at("/dueAt"), "Due (UTC)"),
            c("CompletedAt", Timestamp, true, at("/completedAt"), "Completed (UTC)"),
        ],
        key: &["Id"],
        foreign_keys: &[ForeignKey { column: "SpaceId", references: (Product::Confluence, "Spaces", "Id") }],
        source: Source::Lists(vec![Part::list(list("/wiki/api/v2/tasks", "/results", Paging::Cursor(250))).cloud_only().by_hand("your profile's Tasks page")]),
        writes: None,
    }
}
