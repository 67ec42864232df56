//! The `Confluence` schema.

mod attachments;
mod blog_posts;
mod comments;
mod content_properties;
mod group_members;
mod groups;
mod labels;
mod page_versions;
mod pages;
mod spaces;
mod tasks;

use super::TableDef;

pub fn tables() -> Vec<TableDef> {
    vec![
        spaces::table(),
        pages::table(),
        blog_posts::table(),
        comments::table(),
        attachments::table(),
        labels::table(),
        page_versions::table(),
        content_properties::table(),
        tasks::table(),
        groups::table(),
        group_members::table(),
    ]
}
