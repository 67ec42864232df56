//! The `Confluence` schema.

mod pages;
mod spaces;

use super::TableDef;

pub fn tables() -> Vec<TableDef> {
    vec![spaces::table(), pages::table()]
}
