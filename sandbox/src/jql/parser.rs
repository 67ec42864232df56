//! JQL grammar: `clause [ORDER BY field [ASC|DESC], ...]` with OR < AND < NOT precedence.

use super::lexer::{syntax, tokenize, Tok, Token};
use super::JqlError;

#[derive(Debug, Clone, PartialEq)]
pub enum FieldRef {
    Named(String),
    Custom(u64),
}

impl FieldRef {
    pub fn display(&self) -> String {
        match self {
            FieldRef::Named(n) => n.clone(),
            FieldRef::Custom(n) => format!("cf[{n}]"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A literal: `quoted` says whether it was written in quotes (reserved words must be).
    Value { text: String, quoted: bool },
    Empty,
    Function { name: String, args: Vec<String> },
    List(Vec<Operand>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    NotEq,
    Like,
    NotLike,
    Lt,
    LtEq,
    Gt,
    GtEq,
    In,
    NotIn,
    Is,
    IsNot,
}

impl Op {
    pub fn text(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::NotEq => "!=",
            Op::Like => "~",
            Op::NotLike => "!~",
            Op::Lt => "<",
            Op::LtEq => "<=",
            Op::Gt => ">",
            Op::GtEq => ">=",
            Op::In => "in",
            Op::NotIn => "not in",
            Op::Is => "is",
            Op::IsNot => "is not",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Clause {
    And(Box<Clause>, Box<Clause>),
    Or(Box<Clause>, Box<Clause>),
    Not(Box<Clause>),
    Term { field: FieldRef, op: Op, operand: Operand, pos: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub field: FieldRef,
    pub descending: bool,
}

/// JQL's reserved words: usable as values only in quotes.
const RESERVED: &[&str] = &[
    "a", "an", "abort", "access", "add", "after", "alias", "all", "alter", "and", "any", "are", "as", "asc", "at", "audit", "avg", "be", "before", "begin",
    "between", "boolean", "break", "but", "by", "byte", "catch", "cf", "char", "character", "check", "checkpoint", "collate", "collation", "column", "commit",
    "connect", "continue", "count", "create", "current", "date", "decimal", "declare", "decrement", "default", "defaults", "define", "delete", "delimiter",
    "desc", "difference", "distinct", "divide", "do", "double", "drop", "else", "empty", "encoding", "end", "equals", "escape", "exclusive", "exec",
    "execute", "exists", "explain", "false", "fetch", "file", "field", "first", "float", "for", "from", "function", "go", "goto", "grant", "greater",
    "group", "having", "identified", "if", "immediate", "in", "increment", "index", "initial", "inner", "inout", "input", "insert", "int", "integer",
    "intersect", "intersection", "into", "is", "isempty", "isnull", "it", "join", "last", "left", "less", "like", "limit", "lock", "long", "max", "min",
    "minus", "mode", "modify", "modulo", "more", "multiply", "next", "no", "noaudit", "not", "notin", "nowait", "null", "number", "object", "of", "on",
    "option", "or", "order", "outer", "output", "power", "previous", "prior", "privileges", "public", "raise", "raw", "remainder", "rename", "resource",
    "return", "returns", "revoke", "right", "row", "rowid", "rownum", "rows", "select", "session", "set", "share", "size", "sqrt", "start", "strict",
    "string", "subtract", "such", "sum", "synonym", "table", "that", "the", "their", "then", "there", "these", "they", "this", "to", "trans",
    "transaction", "trigger", "true", "uid", "union", "unique", "update", "user", "validate", "values", "view", "was", "when", "whenever", "where",
    "while", "will", "with",
];

pub fn is_reserved(w: &str) -> bool {
    RESERVED.contains(&w.to_ascii_lowercase().as_str())
}

const OPERATORS_HELP: &str = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

struct Parser {
    toks: Vec<Token>,
    i: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.tok)
    }
    fn pos(&self) -> usize {
        self.toks.get(self.i).map(|t| t.pos).unwrap_or(self.end)
    }
    fn keyword(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k))
    }
    fn keyword_at(&self, off: usize, k: &str) -> bool {
        matches!(self.toks.get(self.i + off).map(|t| &t.tok), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k))
    }
    fn describe(&self) -> String {
        match self.peek() {
            None => "EOF".into(),
            Some(Tok::Word(w)) => w.clone(),
            Some(Tok::Str(s)) => s.clone(),
            Some(Tok::Op(o)) => (*o).to_string(),
            Some(Tok::LParen) => "(".into(),
            Some(Tok::RParen) => ")".into(),
            Some(Tok::Comma) => ",".into(),
            Some(Tok::CustomField(n)) => format!("cf[{n}]"),
        }
    }

    fn or(&mut self) -> Result<Clause, JqlError> {
        let mut left = self.and()?;
        while self.keyword("OR") {
            self.i += 1;
            let right = self.and()?;
            left = Clause::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Clause, JqlError> {
        let mut left = self.not()?;
        while self.keyword("AND") {
            self.i += 1;
            let right = self.not()?;
            left = Clause::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Clause, JqlError> {
        if self.keyword("NOT") {
            self.i += 1;
            return Ok(Clause::Not(Box::new(self.not()?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.i += 1;
            let inner = self.or()?;
            if self.peek() != Some(&Tok::RParen) {
                return Err(syntax(format!("Expecting ')' but got '{}'.", self.describe()), self.pos()));
            }
            self.i += 1;
            return Ok(inner);
        }
        self.term()
    }

    fn field(&mut self) -> Result<FieldRef, JqlError> {
        let pos = self.pos();
        let f = match self.peek().cloned() {
            Some(Tok::Word(w)) => {
                if is_reserved(&w) && !w.eq_ignore_ascii_case("empty") {
                    return Err(syntax(format!("'{w}' is a reserved JQL word. You must surround it in quotation marks to use it in a query."), pos));
                }
                FieldRef::Named(w)
            }
            Some(Tok::Str(s)) => FieldRef::Named(s),
            Some(Tok::CustomField(n)) => FieldRef::Custom(n),
            None => return Err(syntax("Expecting a field name but got the end of the query.".into(), pos)),
            Some(_) => return Err(syntax(format!("Expecting a field name but got '{}'.", self.describe()), pos)),
        };
        self.i += 1;
        Ok(f)
    }

    fn term(&mut self) -> Result<Clause, JqlError> {
        let pos = self.pos();
        let field = self.field()?;
        let op = match self.peek().cloned() {
            Some(Tok::Op(o)) => {
                self.i += 1;
                match o {
                    "=" => Op::Eq,
                    "!=" => Op::NotEq,
                    "~" => Op::Like,
                    "!~" => Op::NotLike,
                    "<" => Op::Lt,
                    "<=" => Op::LtEq,
                    ">" => Op::Gt,
                    _ => Op::GtEq,
                }
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("IN") => {
                self.i += 1;
                Op::In
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("NOT") && self.keyword_at(1, "IN") => {
                self.i += 2;
                Op::NotIn
            }
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("IS") => {
                self.i += 1;
                if self.keyword("NOT") {
                    self.i += 1;
                    Op::IsNot
                } else {
                    Op::Is
                }
            }
            Some(Tok::Word(w)) if ["WAS", "CHANGED"].iter().any(|k| w.eq_ignore_ascii_case(k)) => {
                return Err(syntax(format!("History searches ('{}') are not supported by this site.", w.to_uppercase()), self.pos()));
            }
            _ => return Err(syntax(format!("Expecting operator but got '{}'. {OPERATORS_HELP}", self.describe()), self.pos())),
        };
        let operand = match op {
            Op::Is | Op::IsNot => {
                if self.keyword("EMPTY") || self.keyword("NULL") {
                    self.i += 1;
                    Operand::Empty
                } else {
                    return Err(syntax(format!("Expecting 'EMPTY' or 'NULL' but got '{}'.", self.describe()), self.pos()));
                }
            }
            Op::In | Op::NotIn => {
                if self.peek() == Some(&Tok::LParen) {
                    self.list()?
                } else {
                    // A function returning a list (`openSprints()`).
                    match self.operand()? {
                        f @ Operand::Function { .. } => f,
                        _ => return Err(syntax(format!("Expecting '(' but got '{}'.", self.describe()), self.pos())),
                    }
                }
            }
            _ => {
                if self.peek() == Some(&Tok::LParen) {
                    return Err(syntax(format!("The operator '{}' does not support the list value.", op.text()), self.pos()));
                }
                self.operand()?
            }
        };
        Ok(Clause::Term { field, op, operand, pos })
    }

    fn list(&mut self) -> Result<Operand, JqlError> {
        self.i += 1; // (
        let mut items = Vec::new();
        loop {
            items.push(self.operand()?);
            match self.peek() {
                Some(Tok::Comma) => self.i += 1,
                Some(Tok::RParen) => {
                    self.i += 1;
                    break;
                }
                _ => return Err(syntax(format!("Expecting ',' or ')' but got '{}'.", self.describe()), self.pos())),
            }
        }
        Ok(Operand::List(items))
    }

    fn operand(&mut self) -> Result<Operand, JqlError> {
        let pos = self.pos();
        match self.peek().cloned() {
            Some(Tok::Str(s)) => {
                self.i += 1;
                Ok(Operand::Value { text: s, quoted: true })
            }
            Some(Tok::Word(w)) => {
                self.i += 1;
                if self.peek() == Some(&Tok::LParen) {
                    self.i += 1;
                    let mut args = Vec::new();
                    while self.peek() != Some(&Tok::RParen) {
                        match self.peek().cloned() {
                            Some(Tok::Word(a)) | Some(Tok::Str(a)) => args.push(a),
                            Some(Tok::Comma) => {}
                            _ => return Err(syntax(format!("Expecting ')' but got '{}'.", self.describe()), self.pos())),
                        }
                        self.i += 1;
                    }
                    self.i += 1;
                    return Ok(Operand::Function { name: w, args });
                }
                if w.eq_ignore_ascii_case("EMPTY") || w.eq_ignore_ascii_case("NULL") {
                    return Ok(Operand::Empty);
                }
                if is_reserved(&w) {
                    return Err(syntax(format!("'{w}' is a reserved JQL word. You must surround it in quotation marks to use it in a query."), pos));
                }
                Ok(Operand::Value { text: w, quoted: false })
            }
            None => Err(syntax("Expecting either a value, list or function but got the end of the query.".into(), pos)),
            Some(_) => Err(syntax(format!("Expecting either a value, list or function but got '{}'.", self.describe()), pos)),
        }
    }
}

/// Parses a whole query.
pub fn parse(src: &str) -> Result<(Option<Clause>, Vec<OrderBy>), JqlError> {
    let toks = tokenize(src)?;
    let end = src.chars().count() + 1;
    let mut p = Parser { toks, i: 0, end };
    let clause = if p.peek().is_none() || (p.keyword("ORDER") && p.keyword_at(1, "BY")) { None } else { Some(p.or()?) };
    let mut order = Vec::new();
    if p.keyword("ORDER") {
        p.i += 1;
        if !p.keyword("BY") {
            return Err(syntax(format!("Expecting 'by' but got '{}'.", p.describe()), p.pos()));
        }
        p.i += 1;
        loop {
            let field = p.field()?;
            let mut descending = false;
            if p.keyword("ASC") {
                p.i += 1;
            } else if p.keyword("DESC") {
                p.i += 1;
                descending = true;
            }
            order.push(OrderBy { field, descending });
            if p.peek() == Some(&Tok::Comma) {
                p.i += 1;
                continue;
            }
            break;
        }
        if order.len() > 7 {
            return Err(JqlError { messages: vec!["The ORDER BY clause can contain a maximum of 7 fields.".into()] });
        }
    }
    if p.peek().is_some() {
        let what = p.describe();
        return Err(syntax(format!("Expecting either 'OR' or 'AND' but got '{what}'."), p.pos()));
    }
    Ok((clause, order))
}
