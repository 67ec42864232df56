//! Filters → the server's query languages. A filter is pushed only where the server's semantics
//! are identical (`Exact`) or give a superset that DataFusion then narrows (`Inexact`); anything
//! else stays with DataFusion (`Unsupported`).

pub mod jql;

/// How much of a filter the server can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fidelity {
    /// The server returns exactly the rows the filter keeps.
    Exact,
    /// The server returns a superset; the filter must be applied again.
    Inexact,
}

/// A translated filter: query text and how faithful it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub text: String,
    pub fidelity: Fidelity,
}

impl Pushed {
    pub fn exact(text: impl Into<String>) -> Pushed {
        Pushed { text: text.into(), fidelity: Fidelity::Exact }
    }
    pub fn inexact(text: impl Into<String>) -> Pushed {
        Pushed { text: text.into(), fidelity: Fidelity::Inexact }
    }
}
