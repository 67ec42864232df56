//! The `Jira` schema.

mod comments;
mod issues;
mod projects;

pub use issues::custom_field_column;

use super::TableDef;

pub fn tables() -> Vec<TableDef> {
    vec![issues::table(), projects::table(), comments::table()]
}
