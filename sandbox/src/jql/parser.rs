//! Recursive-descent parser for JQL with the error messages of Jira's ANTLR grammar.
//!
//! query    := [orClause] [ORDER BY sort (, sort)*] EOF
//! orClause := andClause (OR andClause)*          (OR, |, ||)
//! andClause:= notClause (AND notClause)*         (AND, &, &&)
//! notClause:= (NOT | !) notClause | ( orClause ) | field operator operand [predicates]
//! operand  := EMPTY | string | number | func ( [args] ) | ( operand (, operand)* )

use super::ast::*;
use super::lexer::{tokenize, Tok, Token, PREFIX};
use super::JqlError;

/// Jira's prefix for the "bad operand" messages differs from the others.
const OPERAND_PREFIX: &str = "Error in JQL Query: ";

const VALID_OPERATORS: &str = "The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'.";

/// Deeper nesting than this is refused (keeps recursion bounded).
const MAX_DEPTH: usize = 200;

pub(crate) fn parse(src: &str) -> Result<Query, JqlError> {
    let tokens = tokenize(src)?;
    let mut p = Parser { toks: tokens, i: 0, depth: 0, list_level: 0 };
    p.query()
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
    list_level: usize,
}

fn err(msg: String) -> JqlError {
    JqlError::one(msg)
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, k: usize) -> &Token {
        &self.toks[(self.i + k).min(self.toks.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if t.kind != Tok::Eof {
            self.i += 1;
        }
        t
    }

    fn at(&self, kind: Tok) -> bool {
        self.peek().kind == kind
    }

    /// "Expecting 'X' but got 'Y'." / "Expecting 'X' before the end of the query."
    fn expected(&self, what: &str) -> JqlError {
        let t = self.peek();
        if t.kind == Tok::Eof {
            err(format!("{PREFIX}Expecting '{what}' before the end of the query."))
        } else {
            err(format!("{PREFIX}Expecting '{what}' but got '{}'.{}", norm(&t.text), t.pos.suffix()))
        }
    }

    fn expected2(&self, a: &str, b: &str) -> JqlError {
        let t = self.peek();
        if t.kind == Tok::Eof {
            err(format!("{PREFIX}Expecting '{a}' or '{b}' before the end of the query."))
        } else {
            err(format!("{PREFIX}Expecting '{a}' or '{b}' but got '{}'.{}", norm(&t.text), t.pos.suffix()))
        }
    }

    fn need_logical_operator(&self) -> JqlError {
        let t = self.peek();
        if t.kind == Tok::Eof {
            err(format!("{PREFIX}Expecting either 'OR' or 'AND' before the end of the query."))
        } else {
            err(format!("{PREFIX}Expecting either 'OR' or 'AND' but got '{}'.{}", norm(&t.text), t.pos.suffix()))
        }
    }

    fn bad_field_name(&self) -> JqlError {
        let t = self.peek();
        match t.kind {
            Tok::Eof => err(format!("{PREFIX}Expecting a field name at the end of the query.")),
            Tok::LBracket => err(format!("{PREFIX}Expecting a field name but got '['. Did you mean 'cf['?{}", t.pos.suffix())),
            _ => {
                let text = norm(&t.text);
                err(format!(
                    "{PREFIX}Expecting a field name but got '{text}'. You must surround '{text}' in quotation marks to use it as a field name.{}",
                    t.pos.suffix()
                ))
            }
        }
    }

    fn bad_operand(&self) -> JqlError {
        let t = self.peek();
        if t.kind == Tok::Eof {
            err(format!("{OPERAND_PREFIX}Expecting either a value, list or function before the end of the query."))
        } else {
            let text = norm(&t.text);
            err(format!(
                "{OPERAND_PREFIX}Expecting either a value, list or function but got '{text}'. You must surround '{text}' in quotation marks to use it as a value.{}",
                t.pos.suffix()
            ))
        }
    }

    fn enter(&mut self) -> Result<(), JqlError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let t = self.peek();
            return Err(err(format!("{PREFIX}Unable to parse the query: it is nested too deeply.{}", t.pos.suffix())));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn query(&mut self) -> Result<Query, JqlError> {
        let mut where_clause = None;
        if !self.at(Tok::Eof) && !self.at(Tok::Order) {
            where_clause = Some(self.or_clause()?);
        }
        let mut order_by = Vec::new();
        let mut sorted = false;
        if self.at(Tok::Order) {
            order_by = self.order_by()?;
            sorted = true;
        }
        if !self.at(Tok::Eof) {
            return Err(if sorted {
                self.expected(",")
            } else if where_clause.is_none() {
                self.bad_field_name()
            } else {
                self.need_logical_operator()
            });
        }
        Ok(Query { where_clause, order_by })
    }

    fn or_clause(&mut self) -> Result<Clause, JqlError> {
        let mut parts = vec![self.and_clause()?];
        while self.at(Tok::Or) {
            self.next();
            parts.push(self.and_clause()?);
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap_or(Clause::Or(Vec::new())) } else { Clause::Or(parts) })
    }

    fn and_clause(&mut self) -> Result<Clause, JqlError> {
        let mut parts = vec![self.not_clause()?];
        while self.at(Tok::And) {
            self.next();
            parts.push(self.not_clause()?);
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap_or(Clause::And(Vec::new())) } else { Clause::And(parts) })
    }

    fn not_clause(&mut self) -> Result<Clause, JqlError> {
        self.enter()?;
        let result = match self.peek().kind {
            Tok::Not | Tok::Bang => {
                self.next();
                self.not_clause().map(|c| Clause::Not(Box::new(c)))
            }
            Tok::LParen => {
                self.next();
                let inner = self.or_clause();
                match inner {
                    Ok(c) => {
                        if self.at(Tok::RParen) {
                            self.next();
                            Ok(c)
                        } else {
                            Err(self.expected(")"))
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            Tok::Str | Tok::PosNumber | Tok::NegNumber | Tok::Cf => self.terminal(),
            _ => Err(self.bad_field_name()),
        };
        self.leave();
        result
    }

    /// A field name (the current token must be able to start one).
    fn field(&mut self) -> Result<FieldRef, JqlError> {
        let t = self.peek().clone();
        let mut field = match t.kind {
            Tok::PosNumber | Tok::NegNumber => {
                self.next();
                return Ok(FieldRef { name: t.text, cf_number: None, property: None, pos: t.pos });
            }
            Tok::Str => {
                self.next();
                if t.text.trim().is_empty() {
                    return Err(err(format!("{PREFIX}A field name cannot be empty.{}", t.pos.suffix())));
                }
                FieldRef { name: t.text, cf_number: None, property: None, pos: t.pos }
            }
            Tok::Cf => {
                self.next();
                if !self.at(Tok::LBracket) {
                    return Err(self.expected("["));
                }
                self.next();
                let num = self.peek().clone();
                if num.kind != Tok::PosNumber {
                    return Err(if num.kind == Tok::Eof {
                        err(format!("{PREFIX}Expecting a custom field id (a positive number) before the end of the query."))
                    } else {
                        err(format!("{PREFIX}Expecting a custom field id (a positive number) but got '{}'.{}", norm(&num.text), num.pos.suffix()))
                    });
                }
                self.next();
                let n = parse_long(&num)?;
                if !self.at(Tok::RBracket) {
                    return Err(self.expected("]"));
                }
                self.next();
                FieldRef { name: format!("cf[{}]", n), cf_number: Some(n as u64), property: None, pos: t.pos }
            }
            _ => return Err(self.bad_field_name()),
        };
        // Entity property access: name[arg].path — parsed so the query is understood, refused by
        // validation (the sandbox has no entity properties).
        let mut property = String::new();
        while self.at(Tok::LBracket) {
            self.next();
            let arg = self.peek().clone();
            match arg.kind {
                Tok::Str | Tok::PosNumber | Tok::NegNumber => {
                    self.next();
                }
                Tok::Eof => {
                    return Err(err(format!("{PREFIX}Expecting a property id before the end of the query.")));
                }
                _ => {
                    let text = norm(&arg.text);
                    return Err(err(format!(
                        "{PREFIX}Expecting a property id but got '{text}'. You must surround '{text}' in quotation marks to use it as a value.{}",
                        arg.pos.suffix()
                    )));
                }
            }
            if !self.at(Tok::RBracket) {
                return Err(self.expected("]"));
            }
            self.next();
            property.push('[');
            property.push_str(&arg.text);
            property.push(']');
            while self.at(Tok::Str) && self.peek().text.starts_with('.') {
                property.push_str(&self.next().text);
            }
        }
        if !property.is_empty() {
            field.property = Some(property);
        }
        Ok(field)
    }

    fn terminal(&mut self) -> Result<Clause, JqlError> {
        let field = self.field()?;
        let op = self.operator()?;
        let mut operand = None;
        if op == Operator::Changed {
            if starts_operand(self.peek()) {
                let value = self.operand()?;
                return Err(err(format!(
                    "{PREFIX}The CHANGED operator does not support the use of values without predicates. You must prefix the {} value with a suitable predicate.",
                    value
                )));
            }
        } else {
            operand = Some(self.operand()?);
        }
        let mut predicates = Vec::new();
        while self.peek().is_history_predicate() {
            let kw = self.next();
            let value = self.operand()?;
            predicates.push(HistoryPredicate { keyword: kw.text.to_lowercase(), operand: value });
        }
        if !predicates.is_empty() && !op.is_history() {
            let first = &predicates[0];
            return Err(err(format!("{PREFIX}The {} operator does not support the use of the {} {} predicate.", op.enum_name(), first.keyword, first.operand)));
        }
        Ok(Clause::Terminal(Terminal { field, op, operand, predicates }))
    }

    fn operator(&mut self) -> Result<Operator, JqlError> {
        let t = self.peek().clone();
        let op = match t.kind {
            Tok::Eq => Operator::Equals,
            Tok::NotEq => Operator::NotEquals,
            Tok::Like => Operator::Like,
            Tok::NotLike => Operator::NotLike,
            Tok::Lt => Operator::LessThan,
            Tok::Gt => Operator::GreaterThan,
            Tok::LtEq => Operator::LessThanEquals,
            Tok::GtEq => Operator::GreaterThanEquals,
            Tok::In => Operator::In,
            Tok::Changed => Operator::Changed,
            Tok::Is => {
                self.next();
                if self.at(Tok::Not) {
                    self.next();
                    return Ok(Operator::IsNot);
                }
                if self.at(Tok::Eof) || starts_operand(self.peek()) {
                    return Ok(Operator::Is);
                }
                return Err(self.expected("NOT"));
            }
            Tok::Not => {
                self.next();
                if self.at(Tok::In) {
                    self.next();
                    return Ok(Operator::NotIn);
                }
                return Err(self.expected("IN"));
            }
            Tok::Was => {
                self.next();
                if self.at(Tok::Not) {
                    self.next();
                    if self.at(Tok::In) {
                        self.next();
                        return Ok(Operator::WasNotIn);
                    }
                    return Ok(Operator::WasNot);
                }
                if self.at(Tok::In) {
                    self.next();
                    return Ok(Operator::WasIn);
                }
                return Ok(Operator::Was);
            }
            Tok::Eof => return Err(err(format!("{PREFIX}Expecting operator before the end of the query. {VALID_OPERATORS}"))),
            _ => return Err(err(format!("{PREFIX}Expecting operator but got '{}'. {VALID_OPERATORS}{}", norm(&t.text), t.pos.suffix()))),
        };
        self.next();
        Ok(op)
    }

    fn operand(&mut self) -> Result<Operand, JqlError> {
        self.enter()?;
        let r = self.operand_inner();
        self.leave();
        r
    }

    fn operand_inner(&mut self) -> Result<Operand, JqlError> {
        let t = self.peek().clone();
        match t.kind {
            Tok::Empty => {
                self.next();
                Ok(Operand::Empty)
            }
            Tok::Str | Tok::PosNumber | Tok::NegNumber => {
                if self.peek_at(1).kind == Tok::LParen {
                    return self.function();
                }
                // ANTLR only takes a single value when a token that can follow one comes next.
                let follow = self.peek_at(1);
                let can_follow = matches!(follow.kind, Tok::Eof | Tok::Or | Tok::And | Tok::RParen | Tok::Comma | Tok::Order) || follow.is_history_predicate();
                if !can_follow {
                    self.next();
                    return Err(if self.list_level == 0 { self.need_logical_operator() } else { self.expected2(",", ")") });
                }
                self.next();
                if t.kind == Tok::Str {
                    Ok(Operand::Value(Literal::Str(t.text)))
                } else {
                    let value = parse_long(&t)?;
                    Ok(Operand::Value(Literal::Num { value, text: t.text }))
                }
            }
            Tok::LParen => {
                self.next();
                self.list_level += 1;
                let r = self.list_items();
                self.list_level -= 1;
                r
            }
            _ => Err(self.bad_operand()),
        }
    }

    fn list_items(&mut self) -> Result<Operand, JqlError> {
        let mut items = vec![self.operand()?];
        while self.at(Tok::Comma) {
            self.next();
            items.push(self.operand()?);
        }
        if !self.at(Tok::RParen) {
            return Err(self.expected(")"));
        }
        self.next();
        Ok(Operand::List(items))
    }

    fn function(&mut self) -> Result<Operand, JqlError> {
        let name = self.next();
        if name.text.trim().is_empty() {
            return Err(err(format!("{PREFIX}A function name cannot be empty.{}", name.pos.suffix())));
        }
        self.next(); // (
        let mut args = Vec::new();
        if self.at(Tok::RParen) {
            self.next();
            return Ok(Operand::Function { name: name.text, args, pos: name.pos });
        }
        match self.peek().kind {
            Tok::Eof | Tok::Comma => return Err(self.expected(")")),
            Tok::Str | Tok::PosNumber | Tok::NegNumber => {}
            _ => return Err(self.bad_function_argument()),
        }
        args.push(self.next().text);
        loop {
            match self.peek().kind {
                Tok::RParen => {
                    self.next();
                    return Ok(Operand::Function { name: name.text, args, pos: name.pos });
                }
                Tok::Comma => {
                    self.next();
                    let t = self.peek().clone();
                    match t.kind {
                        Tok::Str | Tok::PosNumber | Tok::NegNumber => args.push(self.next().text),
                        Tok::Comma | Tok::RParen => return Err(err(format!("{PREFIX}Function argument must be specified.{}", t.pos.suffix()))),
                        Tok::Eof => return Err(err(format!("{PREFIX}Expecting a function argument at the end of the query."))),
                        _ => return Err(self.bad_function_argument()),
                    }
                }
                Tok::Eof => return Err(self.expected(")")),
                _ => return Err(self.expected2(")", ",")),
            }
        }
    }

    fn bad_function_argument(&self) -> JqlError {
        let t = self.peek();
        if t.kind == Tok::Eof {
            return err(format!("{PREFIX}Expecting a function argument at the end of the query."));
        }
        let text = norm(&t.text);
        err(format!(
            "{PREFIX}Expecting a function argument but got '{text}'. You must surround '{text}' in quotation marks to use it as an argument.{}",
            t.pos.suffix()
        ))
    }

    fn order_by(&mut self) -> Result<Vec<OrderBy>, JqlError> {
        self.next(); // ORDER
        if !self.at(Tok::By) {
            return Err(self.expected("by"));
        }
        self.next();
        let mut sorts = vec![self.sort()?];
        while self.at(Tok::Comma) {
            self.next();
            sorts.push(self.sort()?);
        }
        Ok(sorts)
    }

    fn sort(&mut self) -> Result<OrderBy, JqlError> {
        if !matches!(self.peek().kind, Tok::Str | Tok::PosNumber | Tok::NegNumber | Tok::Cf) {
            return Err(self.bad_field_name());
        }
        let field = self.field()?;
        let direction = match self.peek().kind {
            Tok::Asc => {
                self.next();
                Some(SortDirection::Asc)
            }
            Tok::Desc => {
                self.next();
                Some(SortDirection::Desc)
            }
            Tok::Eof | Tok::Comma => None,
            _ => {
                let t = self.peek();
                return Err(err(format!("{PREFIX}Expecting either 'ASC' or 'DESC' but got '{}'.{}", norm(&t.text), t.pos.suffix())));
            }
        };
        Ok(OrderBy { field, direction })
    }
}

/// Tokens that can start an operand.
fn starts_operand(t: &Token) -> bool {
    matches!(t.kind, Tok::Empty | Tok::Str | Tok::PosNumber | Tok::NegNumber | Tok::LParen)
}

fn parse_long(t: &Token) -> Result<i64, JqlError> {
    t.text.parse::<i64>().map_err(|_| {
        err(format!(
            "{PREFIX}'{}' is not a valid number. Numbers must be between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807.{}",
            t.text,
            t.pos.suffix()
        ))
    })
}

fn norm(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
