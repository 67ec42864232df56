//! JQL tokens, following the lexer rules of Jira's JQL grammar: unquoted strings stop at
//! whitespace and the "string stop" characters, the reserved characters `{}*/%+^$#@?;` must be
//! quoted or escaped, reserved words must be quoted, and strings know the escapes
//! `\' \" \t \n \r \\ \  \uXXXX`. The whole query is tokenised before parsing (as ANTLR's token
//! stream does), so a lexical error anywhere wins over a syntax error.

use super::ast::Pos;
use super::JqlError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    Comma,
    LBracket,
    RBracket,
    Bang,
    Lt,
    Gt,
    LtEq,
    GtEq,
    Eq,
    NotEq,
    Like,
    NotLike,
    In,
    Is,
    And,
    Or,
    Not,
    Empty,
    Was,
    Changed,
    Before,
    After,
    From,
    To,
    On,
    During,
    Order,
    By,
    Asc,
    Desc,
    PosNumber,
    NegNumber,
    Cf,
    Str,
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: Tok,
    /// Decoded text for strings, source text otherwise (what Jira quotes in "but got '...'").
    pub text: String,
    pub pos: Pos,
}

impl Token {
    pub fn is_history_predicate(&self) -> bool {
        matches!(self.kind, Tok::From | Tok::To | Tok::By | Tok::Before | Tok::After | Tok::On | Tok::During)
    }
}

pub(crate) const PREFIX: &str = "Error in the JQL Query: ";

const VALID_ESCAPES: &str = "The valid escape sequences are \\', \\\", \\t, \\n, \\r, \\\\, '\\ ' and \\uXXXX.";

/// JQL's reserved words (JqlStringSupportImpl): they must be quoted to be used as values.
pub(crate) const RESERVED_WORDS: &[&str] = &[
    "abort",
    "access",
    "add",
    "after",
    "alias",
    "all",
    "alter",
    "and",
    "any",
    "as",
    "asc",
    "audit",
    "avg",
    "before",
    "begin",
    "between",
    "boolean",
    "break",
    "by",
    "byte",
    "catch",
    "cf",
    "char",
    "character",
    "check",
    "checkpoint",
    "collate",
    "collation",
    "column",
    "commit",
    "connect",
    "continue",
    "count",
    "create",
    "current",
    "date",
    "decimal",
    "declare",
    "decrement",
    "default",
    "defaults",
    "define",
    "delete",
    "delimiter",
    "desc",
    "difference",
    "distinct",
    "divide",
    "do",
    "double",
    "drop",
    "else",
    "empty",
    "encoding",
    "end",
    "equals",
    "escape",
    "exclusive",
    "exec",
    "execute",
    "exists",
    "explain",
    "false",
    "fetch",
    "field",
    "file",
    "first",
    "float",
    "for",
    "from",
    "function",
    "go",
    "goto",
    "grant",
    "greater",
    "group",
    "having",
    "identified",
    "if",
    "immediate",
    "in",
    "increment",
    "index",
    "initial",
    "inner",
    "inout",
    "input",
    "insert",
    "int",
    "integer",
    "intersect",
    "intersection",
    "into",
    "is",
    "isempty",
    "isnull",
    "join",
    "last",
    "left",
    "less",
    "like",
    "limit",
    "lock",
    "long",
    "max",
    "min",
    "minus",
    "mode",
    "modify",
    "modulo",
    "more",
    "multiply",
    "next",
    "noaudit",
    "not",
    "notin",
    "nowait",
    "null",
    "number",
    "object",
    "of",
    "on",
    "option",
    "or",
    "order",
    "outer",
    "output",
    "power",
    "previous",
    "prior",
    "privileges",
    "public",
    "raise",
    "raw",
    "remainder",
    "rename",
    "resource",
    "return",
    "returns",
    "revoke",
    "right",
    "row",
    "rowid",
    "rownum",
    "rows",
    "select",
    "session",
    "set",
    "share",
    "size",
    "sqrt",
    "start",
    "strict",
    "string",
    "subtract",
    "sum",
    "synonym",
    "table",
    "then",
    "to",
    "trans",
    "transaction",
    "trigger",
    "true",
    "uid",
    "union",
    "unique",
    "update",
    "user",
    "validate",
    "values",
    "view",
    "when",
    "whenever",
    "where",
    "while",
    "with",
];

pub(crate) fn is_reserved_word(s: &str) -> bool {
    let lower = s.to_lowercase();
    RESERVED_WORDS.binary_search(&lower.as_str()).is_ok()
}

/// Characters reserved for future use: they must be quoted or escaped.
pub(crate) fn is_reserved_char(c: char) -> bool {
    matches!(c, '{' | '}' | '*' | '/' | '%' | '+' | '^' | '$' | '#' | '@' | '?' | ';')
}

/// Control characters minus whitespace, and Unicode non-characters: never allowed raw.
pub(crate) fn is_control(c: char) -> bool {
    let u = c as u32;
    u <= 0x09
        || (0x0b..=0x0c).contains(&u)
        || (0x0e..=0x1f).contains(&u)
        || (0x7f..=0x9f).contains(&u)
        || (0xfdd0..=0xfdef).contains(&u)
        || (0xfffe..=0xffff).contains(&u)
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_string_stop(c: char) -> bool {
    is_control(c) || is_reserved_char(c) || matches!(c, '"' | '\'' | '=' | '!' | '<' | '>' | '(' | ')' | '~' | ',' | '[' | ']' | '|' | '&' | '\n' | '\r')
}

/// `\u007b` for a character (Jira prints lower-case hex).
fn escape_for(c: char) -> String {
    let mut buf = [0u16; 2];
    c.encode_utf16(&mut buf).iter().map(|u| format!("\\u{:04x}", u)).collect()
}

fn printable(c: char) -> String {
    if c == '\t' {
        "TAB".to_string()
    } else if is_control(c) || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        c.to_string()
    }
}

fn normalize(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    line: usize,
    column: usize,
}

impl Lexer {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.i + k).copied()
    }

    fn pos(&self) -> Pos {
        Pos { line: self.line, column: self.column }
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.chars.get(self.i).copied()?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 0;
        } else {
            self.column += c.len_utf16();
        }
        Some(c)
    }

    /// Reads an escape sequence; the backslash is the next character.
    fn escape(&mut self) -> Result<char, JqlError> {
        let at = self.pos();
        self.bump();
        let c = match self.bump() {
            None => return Err(JqlError::one(format!("{PREFIX}The escape sequence has not been completed. {VALID_ESCAPES}{}", at.suffix()))),
            Some(c) => c,
        };
        match c {
            't' => Ok('\t'),
            'n' => Ok('\n'),
            'r' => Ok('\r'),
            '"' | '\'' | '\\' | ' ' => Ok(c),
            'u' => {
                let mut seq = String::from("\\u");
                let mut value: u32 = 0;
                for _ in 0..4 {
                    match self.peek(0) {
                        Some(h) if h.is_ascii_hexdigit() => {
                            self.bump();
                            seq.push(h);
                            value = value * 16 + h.to_digit(16).unwrap_or(0);
                        }
                        Some(other) => {
                            self.bump();
                            seq.push(other);
                            return Err(illegal_escape(&seq, at));
                        }
                        None => return Err(illegal_escape(&seq, at)),
                    }
                }
                // A surrogate pair written as two escapes makes one character.
                if (0xD800..0xDC00).contains(&value)
                    && self.peek(0) == Some('\\')
                    && self.peek(1) == Some('u')
                    && (2..6).all(|k| self.peek(k).is_some_and(|h| h.is_ascii_hexdigit()))
                {
                    let low: String = (2..6).filter_map(|k| self.peek(k)).collect();
                    let low = u32::from_str_radix(&low, 16).unwrap_or(0);
                    if (0xDC00..0xE000).contains(&low) {
                        for _ in 0..6 {
                            self.bump();
                        }
                        let combined = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(combined).unwrap_or('\u{FFFD}'));
                    }
                }
                Ok(char::from_u32(value).unwrap_or('\u{FFFD}'))
            }
            other => Err(illegal_escape(&format!("\\{}", other), at)),
        }
    }

    fn quoted(&mut self, quote: char) -> Result<Token, JqlError> {
        let start = self.pos();
        let start_index = self.i;
        self.bump();
        let mut text = String::new();
        loop {
            match self.peek(0) {
                None => {
                    let raw: String = self.chars[start_index + 1..].iter().collect();
                    return Err(if raw.trim().is_empty() {
                        JqlError::one(format!("{PREFIX}The quoted string has not been completed.{}", start.suffix()))
                    } else {
                        JqlError::one(format!("{PREFIX}The quoted string '{}' has not been completed.{}", normalize(&raw), start.suffix()))
                    });
                }
                Some(c) if c == quote => {
                    self.bump();
                    return Ok(Token { kind: Tok::Str, text, pos: start });
                }
                Some('\\') => text.push(self.escape()?),
                Some(c) if is_control(c) => return Err(illegal_char(c, self.pos())),
                Some(c) => {
                    self.bump();
                    text.push(c);
                }
            }
        }
    }

    fn unquoted(&mut self) -> Result<Token, JqlError> {
        let start = self.pos();
        let mut raw = String::new();
        let mut text = String::new();
        let mut escaped = false;
        while let Some(c) = self.peek(0) {
            if c == '\\' {
                let from = self.i;
                let decoded = self.escape()?;
                raw.extend(&self.chars[from..self.i]);
                text.push(decoded);
                escaped = true;
            } else if is_ws(c) || is_string_stop(c) {
                break;
            } else {
                self.bump();
                raw.push(c);
                text.push(c);
            }
        }
        if !escaped {
            let kind = classify(&raw);
            if kind != Tok::Str {
                return Ok(Token { kind, text: raw, pos: start });
            }
        }
        if is_reserved_word(&text) {
            return Err(JqlError::one(format!(
                "{PREFIX}'{}' is a reserved JQL word. You must surround it in quotation marks to use it in a query.{}",
                normalize(&text),
                start.suffix()
            )));
        }
        Ok(Token { kind: Tok::Str, text, pos: start })
    }
}

fn illegal_escape(seq: &str, at: Pos) -> JqlError {
    JqlError::one(format!("{PREFIX}'{}' is an illegal JQL escape sequence. {VALID_ESCAPES}{}", normalize(seq), at.suffix()))
}

fn illegal_char(c: char, at: Pos) -> JqlError {
    JqlError::one(format!(
        "{PREFIX}The character '{}' on line {} at position {} must be escaped. Use the escape '{}' instead.{}",
        printable(c),
        at.line,
        at.column + 1,
        escape_for(c),
        at.suffix()
    ))
}

/// Keyword, number or plain string, by the whole unquoted word (ANTLR's longest match).
fn classify(raw: &str) -> Tok {
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        return Tok::PosNumber;
    }
    if raw.len() > 1 && raw.starts_with('-') && raw[1..].bytes().all(|b| b.is_ascii_digit()) {
        return Tok::NegNumber;
    }
    match raw.to_ascii_lowercase().as_str() {
        "in" => Tok::In,
        "is" => Tok::Is,
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "empty" | "null" => Tok::Empty,
        "was" => Tok::Was,
        "changed" => Tok::Changed,
        "before" => Tok::Before,
        "after" => Tok::After,
        "from" => Tok::From,
        "to" => Tok::To,
        "on" => Tok::On,
        "during" => Tok::During,
        "order" => Tok::Order,
        "by" => Tok::By,
        "asc" => Tok::Asc,
        "desc" => Tok::Desc,
        "cf" => Tok::Cf,
        _ => Tok::Str,
    }
}

/// Tokenises the whole query; the last token is always `Eof`.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token>, JqlError> {
    let mut lx = Lexer { chars: src.chars().collect(), i: 0, line: 1, column: 0 };
    let mut out = Vec::new();
    while let Some(c) = lx.peek(0) {
        if is_ws(c) {
            lx.bump();
            continue;
        }
        let pos = lx.pos();
        let single = |kind: Tok, text: &str| Token { kind, text: text.to_string(), pos };
        let tok = match c {
            '(' => {
                lx.bump();
                single(Tok::LParen, "(")
            }
            ')' => {
                lx.bump();
                single(Tok::RParen, ")")
            }
            ',' => {
                lx.bump();
                single(Tok::Comma, ",")
            }
            '[' => {
                lx.bump();
                single(Tok::LBracket, "[")
            }
            ']' => {
                lx.bump();
                single(Tok::RBracket, "]")
            }
            '=' => {
                lx.bump();
                single(Tok::Eq, "=")
            }
            '~' => {
                lx.bump();
                single(Tok::Like, "~")
            }
            '!' => {
                lx.bump();
                match lx.peek(0) {
                    Some('=') => {
                        lx.bump();
                        single(Tok::NotEq, "!=")
                    }
                    Some('~') => {
                        lx.bump();
                        single(Tok::NotLike, "!~")
                    }
                    _ => single(Tok::Bang, "!"),
                }
            }
            '<' | '>' => {
                lx.bump();
                if lx.peek(0) == Some('=') {
                    lx.bump();
                    if c == '<' {
                        single(Tok::LtEq, "<=")
                    } else {
                        single(Tok::GtEq, ">=")
                    }
                } else if c == '<' {
                    single(Tok::Lt, "<")
                } else {
                    single(Tok::Gt, ">")
                }
            }
            '&' | '|' => {
                lx.bump();
                let double = lx.peek(0) == Some(c);
                if double {
                    lx.bump();
                }
                let text: String = if double { [c, c].iter().collect() } else { c.to_string() };
                Token { kind: if c == '&' { Tok::And } else { Tok::Or }, text, pos }
            }
            '"' | '\'' => lx.quoted(c)?,
            c if is_reserved_char(c) => {
                return Err(JqlError::one(format!(
                    "{PREFIX}The character '{}' is a reserved JQL character. You must enclose it in a string or use the escape '{}' instead.{}",
                    c,
                    escape_for(c),
                    pos.suffix()
                )))
            }
            c if is_control(c) => return Err(illegal_char(c, pos)),
            _ => lx.unquoted()?,
        };
        out.push(tok);
    }
    out.push(Token { kind: Tok::Eof, text: "<EOF>".to_string(), pos: lx.pos() });
    Ok(out)
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn reserved_words_sorted_for_binary_search() {
        let mut sorted = RESERVED_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, RESERVED_WORDS);
    }

    #[test]
    fn classifies_words() {
        let toks = tokenize("a AND b && c || !d -1 12 -1d cf ORDER").unwrap();
        let kinds: Vec<Tok> = toks.iter().map(|t| t.kind).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Str,
                Tok::And,
                Tok::Str,
                Tok::And,
                Tok::Str,
                Tok::Or,
                Tok::Bang,
                Tok::Str,
                Tok::NegNumber,
                Tok::PosNumber,
                Tok::Str,
                Tok::Cf,
                Tok::Order,
                Tok::Eof
            ]
        );
    }
}
