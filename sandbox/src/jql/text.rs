//! The `~` (CONTAINS) word search of Jira, emulating its Lucene analysis and query syntax.
//!
//! Analysis (index and query alike): words are split as Unicode word boundaries do (letters,
//! digits and `_`; `.` `'` `:` join letters/digits on both sides, `,` joins digits), lower-cased,
//! the possessive `'s` removed, English stop words dropped, and plural endings stemmed
//! (Lucene's minimal English stemmer: `bugs`→`bug`, `queries`→`query`). So `summary ~ log`
//! does not match "catalog" nor "log.txt", but matches "Logs".
//!
//! Query syntax: terms are AND-ed; `AND`/`&&`, `OR`/`||`, `NOT`/`!`/`-`, `+`, parentheses,
//! `"phrases"`, `*` wildcards (`?` becomes a trailing `*`, as Jira Cloud documents), `\` escapes;
//! fuzzy `~` and boost `^` suffixes are ignored. A term may not start with a wildcard.

/// Lucene's English stop words.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not", "of", "on", "or", "such", "that", "the",
    "their", "then", "there", "these", "they", "this", "to", "was", "will", "with",
];

fn stem(word: &str) -> String {
    let s: Vec<char> = word.chars().collect();
    let len = s.len();
    if len < 3 || s[len - 1] != 's' {
        return word.to_string();
    }
    let keep = |n: usize| s[..n].iter().collect::<String>();
    match s[len - 2] {
        'u' | 's' => word.to_string(),
        'e' => {
            if len > 3 && s[len - 3] == 'i' && s[len - 4] != 'a' && s[len - 4] != 'e' {
                let mut out = keep(len - 3);
                out.push('y');
                return out;
            }
            if matches!(s[len - 3], 'i' | 'a' | 'o' | 'e') {
                return word.to_string();
            }
            keep(len - 1)
        }
        _ => keep(len - 1),
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits text into (position, term) pairs.
pub(crate) fn analyze(text: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut raw_tokens: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if is_word(c) {
            cur.push(c);
        } else if !cur.is_empty() && i + 1 < chars.len() && is_word(chars[i + 1]) {
            let prev = chars[i - 1];
            let next = chars[i + 1];
            let joins = match c {
                '.' | '\'' | '\u{2019}' => true,
                ':' => prev.is_alphabetic() && next.is_alphabetic(),
                ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
                _ => false,
            };
            if joins {
                cur.push(if c == '\u{2019}' { '\'' } else { c });
            } else {
                raw_tokens.push(std::mem::take(&mut cur));
            }
        } else if !cur.is_empty() {
            raw_tokens.push(std::mem::take(&mut cur));
        }
        i += 1;
    }
    if !cur.is_empty() {
        raw_tokens.push(cur);
    }
    let mut out = Vec::new();
    for (pos, tok) in raw_tokens.into_iter().enumerate() {
        let mut t = tok.to_lowercase();
        if let Some(stripped) = t.strip_suffix("'s") {
            t = stripped.to_string();
        }
        let t = t.trim_end_matches('\'').to_string();
        if t.is_empty() || STOP_WORDS.contains(&t.as_str()) {
            continue;
        }
        out.push((pos, stem(&t)));
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    /// Analysed to nothing (stop words only): no constraint.
    Empty,
    Term(String),
    Phrase(Vec<(usize, String)>),
    Wildcard(String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// Why a text query is refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TextError {
    EmptyString,
    StartsWith(char),
    Unparseable,
}

#[derive(Debug, Clone, PartialEq)]
enum QTok {
    Word(String),
    Phrase(String),
    LParen,
    RParen,
    And,
    Or,
    Not,
    Plus,
    Minus,
}

fn lex_query(q: &str) -> Result<Vec<QTok>, TextError> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(QTok::LParen);
                i += 1;
            }
            ')' => {
                out.push(QTok::RParen);
                i += 1;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(TextError::Unparseable),
                        Some('\\') => {
                            if let Some(n) = chars.get(i + 1) {
                                s.push(*n);
                            }
                            i += 2;
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            s.push(*ch);
                            i += 1;
                        }
                    }
                }
                skip_modifiers(&chars, &mut i);
                out.push(QTok::Phrase(s));
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                out.push(QTok::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                out.push(QTok::Or);
                i += 2;
            }
            // Words swallow inner '-', so here these always start a term.
            '+' | '-' | '!' => {
                out.push(match c {
                    '+' => QTok::Plus,
                    '-' => QTok::Minus,
                    _ => QTok::Not,
                });
                i += 1;
            }
            '[' | ']' | '{' | '}' | '^' | '~' => return Err(TextError::Unparseable),
            _ => {
                let mut s = String::new();
                while i < chars.len() {
                    let ch = chars[i];
                    if ch == '\\' {
                        match chars.get(i + 1) {
                            Some(n) => s.push(*n),
                            None => return Err(TextError::Unparseable),
                        }
                        i += 2;
                        continue;
                    }
                    if ch.is_whitespace() || matches!(ch, '(' | ')' | '"' | '[' | ']' | '{' | '}') {
                        break;
                    }
                    if ch == '~' || ch == '^' {
                        skip_modifiers(&chars, &mut i);
                        break;
                    }
                    s.push(ch);
                    i += 1;
                }
                match s.as_str() {
                    "AND" => out.push(QTok::And),
                    "OR" => out.push(QTok::Or),
                    "NOT" => out.push(QTok::Not),
                    _ => out.push(QTok::Word(s)),
                }
            }
        }
    }
    Ok(out)
}

/// Skips `~2`, `~0.8`, `^3` after a term or phrase (ignored by Jira Cloud).
fn skip_modifiers(chars: &[char], i: &mut usize) {
    while *i < chars.len() && (chars[*i] == '~' || chars[*i] == '^') {
        *i += 1;
        while *i < chars.len() && (chars[*i].is_ascii_digit() || chars[*i] == '.') {
            *i += 1;
        }
    }
}

struct QParser {
    toks: Vec<QTok>,
    i: usize,
    starts_with_wildcard: Option<char>,
}

impl QParser {
    fn peek(&self) -> Option<&QTok> {
        self.toks.get(self.i)
    }

    fn or(&mut self, depth: usize) -> Result<Node, TextError> {
        if depth > 100 {
            return Err(TextError::Unparseable);
        }
        let mut parts = vec![self.and(depth)?];
        while self.peek() == Some(&QTok::Or) {
            self.i += 1;
            parts.push(self.and(depth)?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Node::Or(parts) })
    }

    fn and(&mut self, depth: usize) -> Result<Node, TextError> {
        let mut parts = vec![self.unary(depth)?];
        loop {
            match self.peek() {
                Some(QTok::And) => {
                    self.i += 1;
                    parts.push(self.unary(depth)?);
                }
                None | Some(QTok::Or) | Some(QTok::RParen) => break,
                Some(_) => parts.push(self.unary(depth)?),
            }
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Node::And(parts) })
    }

    fn unary(&mut self, depth: usize) -> Result<Node, TextError> {
        if depth > 100 {
            return Err(TextError::Unparseable);
        }
        match self.peek().cloned() {
            Some(QTok::Not) | Some(QTok::Minus) => {
                self.i += 1;
                Ok(Node::Not(Box::new(self.unary(depth + 1)?)))
            }
            Some(QTok::Plus) => {
                self.i += 1;
                self.unary(depth + 1)
            }
            Some(QTok::LParen) => {
                self.i += 1;
                let inner = self.or(depth + 1)?;
                if self.peek() != Some(&QTok::RParen) {
                    return Err(TextError::Unparseable);
                }
                self.i += 1;
                Ok(inner)
            }
            Some(QTok::Word(w)) => {
                self.i += 1;
                Ok(self.word(&w))
            }
            Some(QTok::Phrase(p)) => {
                self.i += 1;
                let toks = analyze(&p);
                Ok(match toks.len() {
                    0 => Node::Empty,
                    1 => Node::Term(toks[0].1.clone()),
                    _ => Node::Phrase(toks),
                })
            }
            _ => Err(TextError::Unparseable),
        }
    }

    fn word(&mut self, w: &str) -> Node {
        if let Some(first) = w.chars().next().filter(|c| *c == '*' || *c == '?') {
            self.starts_with_wildcard.get_or_insert(first);
        }
        if w.contains('*') || w.contains('?') {
            // Jira Cloud turns `?` into a trailing `*`.
            let mut pattern = match w.find('?') {
                Some(k) => format!("{}*", &w[..k]),
                None => w.to_string(),
            };
            pattern = pattern.to_lowercase();
            return Node::Wildcard(pattern);
        }
        let toks = analyze(w);
        match toks.len() {
            0 => Node::Empty,
            1 => Node::Term(toks[0].1.clone()),
            _ => Node::Phrase(toks),
        }
    }
}

/// A parsed `~` query.
#[derive(Debug, Clone)]
pub(crate) struct TextQuery {
    root: Node,
}

/// Parses (and checks) a `~` value as Jira does.
pub(crate) fn parse_text_query(q: &str) -> Result<TextQuery, TextError> {
    if q.trim().is_empty() {
        return Err(TextError::EmptyString);
    }
    let toks = lex_query(q)?;
    let mut p = QParser { toks, i: 0, starts_with_wildcard: None };
    let root = p.or(0)?;
    if p.i != p.toks.len() {
        return Err(TextError::Unparseable);
    }
    if let Some(c) = p.starts_with_wildcard {
        return Err(TextError::StartsWith(c));
    }
    Ok(TextQuery { root })
}

fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|k| glob(rest, &text[k..])),
        Some((c, rest)) => text.split_first().is_some_and(|(t, trest)| t == c && glob(rest, trest)),
    }
}

/// The analysed values of a field (one per comment for `comment`).
pub(crate) struct Doc {
    values: Vec<Vec<(usize, String)>>,
}

impl Doc {
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> Doc {
        Doc { values: texts.into_iter().map(analyze).collect() }
    }

    fn has_term(&self, t: &str) -> bool {
        self.values.iter().any(|v| v.iter().any(|(_, w)| w == t))
    }

    fn has_wildcard(&self, pattern: &str) -> bool {
        let p: Vec<char> = pattern.chars().collect();
        self.values.iter().any(|v| {
            v.iter().any(|(_, w)| {
                let t: Vec<char> = w.chars().collect();
                glob(&p, &t)
            })
        })
    }

    fn has_phrase(&self, phrase: &[(usize, String)]) -> bool {
        let (p0, first) = &phrase[0];
        self.values.iter().any(|v| {
            v.iter().any(|(start, w)| {
                w == first
                    && phrase[1..].iter().all(|(qp, qt)| {
                        let want = start + (qp - p0);
                        v.iter().any(|(pp, tt)| *pp == want && tt == qt)
                    })
            })
        })
    }
}

fn eval(node: &Node, doc: &Doc) -> Option<bool> {
    match node {
        Node::Empty => None,
        Node::Term(t) => Some(doc.has_term(t)),
        Node::Wildcard(p) => Some(doc.has_wildcard(p)),
        Node::Phrase(p) => Some(doc.has_phrase(p)),
        Node::Not(n) => eval(n, doc).map(|b| !b),
        Node::And(parts) => {
            let mut seen = None;
            for p in parts {
                if let Some(b) = eval(p, doc) {
                    if !b {
                        return Some(false);
                    }
                    seen = Some(true);
                }
            }
            seen
        }
        Node::Or(parts) => {
            let mut seen = None;
            for p in parts {
                if let Some(b) = eval(p, doc) {
                    if b {
                        return Some(true);
                    }
                    seen = Some(false);
                }
            }
            seen
        }
    }
}

impl TextQuery {
    /// Whether the document contains the query (a query of stop words only matches nothing).
    pub fn matches(&self, doc: &Doc) -> bool {
        eval(&self.root, doc).unwrap_or(false)
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn analysis() {
        let words: Vec<String> = analyze("The catalog's Logs, log.txt and 3,5 queries-of issues").into_iter().map(|t| t.1).collect();
        assert_eq!(words, vec!["catalog", "log", "log.txt", "3,5", "query", "issue"]);
    }

    #[test]
    fn syntax() {
        assert_eq!(parse_text_query("").unwrap_err(), TextError::EmptyString);
        assert_eq!(parse_text_query("BAD +").unwrap_err(), TextError::Unparseable);
        assert_eq!(parse_text_query("AND").unwrap_err(), TextError::Unparseable);
        assert_eq!(parse_text_query("*foo").unwrap_err(), TextError::StartsWith('*'));
        assert!(parse_text_query("foo~2 bar^3 \"a b\"~4").is_ok());
    }
}
