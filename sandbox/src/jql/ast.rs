//! The parsed form of a JQL query.

use std::fmt;

/// A position in the query: 1-based line, 0-based character in that line (as ANTLR counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// Jira's suffix: ` (line 1, character 9)` (character is 1-based).
    pub fn suffix(&self) -> String {
        format!(" (line {}, character {})", self.line, self.column + 1)
    }
}

/// A parsed query: an optional where-clause and the ORDER BY fields (empty without ORDER BY).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub where_clause: Option<Clause>,
    pub order_by: Vec<OrderBy>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    And(Vec<Clause>),
    Or(Vec<Clause>),
    Not(Box<Clause>),
    Terminal(Terminal),
}

/// `field operator operand [predicates]`
#[derive(Debug, Clone, PartialEq)]
pub struct Terminal {
    pub field: FieldRef,
    pub op: Operator,
    /// `None` only for `CHANGED` without a value.
    pub operand: Option<Operand>,
    /// History predicates of WAS / CHANGED (`BY x`, `AFTER d`...).
    pub predicates: Vec<HistoryPredicate>,
}

/// A field as written: `summary`, `"Story Points"`, `cf[10016]`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    /// The name as written (decoded); `cf[10016]` for custom field ids.
    pub name: String,
    /// `Some(10016)` for `cf[10016]`.
    pub cf_number: Option<u64>,
    /// Entity-property style access `name[arg].path` (never a valid field in the sandbox).
    pub property: Option<String>,
    pub pos: Pos,
}

impl FieldRef {
    /// The name Jira uses in messages.
    pub fn display(&self) -> String {
        match &self.property {
            Some(p) => format!("{}{}", self.name, p),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Equals,
    NotEquals,
    Like,
    NotLike,
    LessThan,
    LessThanEquals,
    GreaterThan,
    GreaterThanEquals,
    In,
    NotIn,
    Is,
    IsNot,
    Was,
    WasNot,
    WasIn,
    WasNotIn,
    Changed,
}

impl Operator {
    /// Jira's display string ('=', 'in', 'is not'...).
    pub fn display(&self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::NotEquals => "!=",
            Operator::Like => "~",
            Operator::NotLike => "!~",
            Operator::LessThan => "<",
            Operator::LessThanEquals => "<=",
            Operator::GreaterThan => ">",
            Operator::GreaterThanEquals => ">=",
            Operator::In => "in",
            Operator::NotIn => "not in",
            Operator::Is => "is",
            Operator::IsNot => "is not",
            Operator::Was => "was",
            Operator::WasNot => "was not",
            Operator::WasIn => "was in",
            Operator::WasNotIn => "was not in",
            Operator::Changed => "changed",
        }
    }

    /// Jira's enum name, used by a few parser messages ("The EQUALS operator ...").
    pub fn enum_name(&self) -> &'static str {
        match self {
            Operator::Equals => "EQUALS",
            Operator::NotEquals => "NOT_EQUALS",
            Operator::Like => "LIKE",
            Operator::NotLike => "NOT_LIKE",
            Operator::LessThan => "LESS_THAN",
            Operator::LessThanEquals => "LESS_THAN_EQUALS",
            Operator::GreaterThan => "GREATER_THAN",
            Operator::GreaterThanEquals => "GREATER_THAN_EQUALS",
            Operator::In => "IN",
            Operator::NotIn => "NOT_IN",
            Operator::Is => "IS",
            Operator::IsNot => "IS_NOT",
            Operator::Was => "WAS",
            Operator::WasNot => "WAS_NOT",
            Operator::WasIn => "WAS_IN",
            Operator::WasNotIn => "WAS_NOT_IN",
            Operator::Changed => "CHANGED",
        }
    }

    pub fn is_history(&self) -> bool {
        matches!(self, Operator::Was | Operator::WasNot | Operator::WasIn | Operator::WasNotIn | Operator::Changed)
    }

    pub fn is_relational(&self) -> bool {
        matches!(self, Operator::LessThan | Operator::LessThanEquals | Operator::GreaterThan | Operator::GreaterThanEquals)
    }

    pub fn is_list(&self) -> bool {
        matches!(self, Operator::In | Operator::NotIn | Operator::WasIn | Operator::WasNotIn)
    }

    /// The operator a `NOT` in front of the clause turns this one into (Jira pushes NOT down
    /// to the terminal clauses, which is why `NOT assignee = x` does not match unassigned issues).
    pub fn negated(&self) -> Operator {
        match self {
            Operator::Equals => Operator::NotEquals,
            Operator::NotEquals => Operator::Equals,
            Operator::Like => Operator::NotLike,
            Operator::NotLike => Operator::Like,
            Operator::LessThan => Operator::GreaterThanEquals,
            Operator::GreaterThanEquals => Operator::LessThan,
            Operator::GreaterThan => Operator::LessThanEquals,
            Operator::LessThanEquals => Operator::GreaterThan,
            Operator::In => Operator::NotIn,
            Operator::NotIn => Operator::In,
            Operator::Is => Operator::IsNot,
            Operator::IsNot => Operator::Is,
            Operator::Was => Operator::WasNot,
            Operator::WasNot => Operator::Was,
            Operator::WasIn => Operator::WasNotIn,
            Operator::WasNotIn => Operator::WasIn,
            Operator::Changed => Operator::Changed,
        }
    }
}

/// A literal value: quoted or unquoted string, or a number (Jira keeps them apart: `10000` is an
/// id, `"10000"` a name).
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Num { value: i64, text: String },
}

impl Literal {
    pub fn text(&self) -> &str {
        match self {
            Literal::Str(s) => s,
            Literal::Num { text, .. } => text,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Empty,
    Value(Literal),
    Function { name: String, args: Vec<String>, pos: Pos },
    List(Vec<Operand>),
}

impl fmt::Display for Operand {
    /// Jira's display string of an operand (used in validation messages).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Empty => write!(f, "EMPTY"),
            Operand::Value(Literal::Str(s)) => write!(f, "\"{}\"", s),
            Operand::Value(Literal::Num { text, .. }) => write!(f, "{}", text),
            Operand::Function { name, args, .. } => write!(f, "{}({})", name, args.join(", ")),
            Operand::List(items) => {
                write!(f, "(")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}", item)?;
                }
                write!(f, ")")
            }
        }
    }
}

/// `BY x`, `AFTER "2024-01-01"`, ... after WAS / CHANGED.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPredicate {
    /// "from", "to", "by", "before", "after", "on", "during"
    pub keyword: String,
    pub operand: Operand,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub field: FieldRef,
    /// `None` when neither ASC nor DESC was written: the field's default order applies.
    pub direction: Option<SortDirection>,
}
