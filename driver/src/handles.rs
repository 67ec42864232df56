//! Handles as registry tokens. A client's `SQLHANDLE` is never a pointer into our memory: it is a
//! token naming a slot and that slot's generation, so a freed, forged or wrong-type handle is
//! rejected by a lookup instead of being dereferenced.

use std::sync::{Arc, LazyLock};

use parking_lot::Mutex;

use crate::connection::Connection;
use crate::descriptor::DescKind;
use crate::diag::Diagnostics;
use crate::environment::Environment;
use crate::runtime::CancelSignal;
use crate::statement::Statement;

#[cfg(not(target_pointer_width = "64"))]
compile_error!("handle tokens are laid out for 64-bit hosts");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Env = 1,
    Dbc = 2,
    Stmt = 3,
    Desc = 4,
}

/// A handle value as the client sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token(pub u64);

const MAGIC: u64 = 0xA7;

impl Token {
    fn new(slot: u32, generation: u32, kind: Kind) -> Token {
        Token(MAGIC << 56 | (u64::from(generation) & 0xFF_FFFF) << 32 | u64::from(slot) << 4 | kind as u64)
    }
    fn parts(self) -> Option<(usize, u32, u64)> {
        if self.0 >> 56 != MAGIC {
            return None;
        }
        Some((((self.0 >> 4) & 0x0FFF_FFFF) as usize, ((self.0 >> 32) & 0xFF_FFFF) as u32, self.0 & 0xF))
    }
}

pub struct EnvHandle {
    pub diag: Mutex<Diagnostics>,
    pub env: Mutex<Environment>,
}

pub struct DbcHandle {
    pub diag: Mutex<Diagnostics>,
    pub env: Arc<EnvHandle>,
    pub conn: Mutex<Connection>,
}

pub struct StmtHandle {
    pub diag: Mutex<Diagnostics>,
    pub dbc: Arc<DbcHandle>,
    /// Outside the statement's lock: `SQLCancel` arrives from another thread while a fetch holds it.
    pub cancel: Arc<CancelSignal>,
    pub stmt: Mutex<Statement>,
    /// The implicit descriptors, in [`DescKind`] order (ARD, APD, IRD, IPD), set right after
    /// the statement is registered.
    pub descriptors: std::sync::OnceLock<[Token; 4]>,
}

pub struct DescHandle {
    pub diag: Mutex<Diagnostics>,
    /// The statement this implicit descriptor belongs to.
    pub owner: Token,
    pub kind: DescKind,
}

#[derive(Clone)]
pub enum Object {
    Env(Arc<EnvHandle>),
    Dbc(Arc<DbcHandle>),
    Stmt(Arc<StmtHandle>),
    Desc(Arc<DescHandle>),
}

impl Object {
    pub fn kind(&self) -> Kind {
        match self {
            Object::Env(_) => Kind::Env,
            Object::Dbc(_) => Kind::Dbc,
            Object::Stmt(_) => Kind::Stmt,
            Object::Desc(_) => Kind::Desc,
        }
    }
    pub fn diag(&self) -> &Mutex<Diagnostics> {
        match self {
            Object::Env(h) => &h.diag,
            Object::Dbc(h) => &h.diag,
            Object::Stmt(h) => &h.diag,
            Object::Desc(h) => &h.diag,
        }
    }
}

struct Slot {
    generation: u32,
    object: Option<Object>,
}

#[derive(Default)]
struct Registry {
    slots: Vec<Slot>,
    free: Vec<u32>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(Registry::default()));

/// Reserves a slot and stores what `make` builds for its token (a statement needs its own token).
pub fn insert_with(kind: Kind, make: impl FnOnce(Token) -> Object) -> Token {
    let mut r = REGISTRY.lock();
    let slot = match r.free.pop() {
        Some(s) => s,
        None => {
            r.slots.push(Slot { generation: 0, object: None });
            (r.slots.len() - 1) as u32
        }
    };
    let s = &mut r.slots[slot as usize];
    s.generation = s.generation.wrapping_add(1) & 0xFF_FFFF;
    let token = Token::new(slot, s.generation, kind);
    s.object = Some(make(token));
    token
}

pub fn insert(object: Object) -> Token {
    let kind = object.kind();
    insert_with(kind, |_| object)
}

/// The live object a token names, if it is of the kind asked (`None` for any kind).
pub fn get(token: Token, kind: Option<Kind>) -> Option<Object> {
    let (slot, generation, tag) = token.parts()?;
    if kind.is_some_and(|k| k as u64 != tag) {
        return None;
    }
    let r = REGISTRY.lock();
    let s = r.slots.get(slot)?;
    if s.generation != generation {
        return None;
    }
    s.object.clone().filter(|o| o.kind() as u64 == tag)
}

/// Frees a slot; the token and every copy of it stop working at once.
pub fn remove(token: Token) -> Option<Object> {
    let (slot, generation, _) = token.parts()?;
    let mut r = REGISTRY.lock();
    let s = r.slots.get_mut(slot)?;
    if s.generation != generation || s.object.is_none() {
        return None;
    }
    let o = s.object.take();
    r.free.push(slot as u32);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Object {
        Object::Env(Arc::new(EnvHandle { diag: Mutex::new(Diagnostics::default()), env: Mutex::new(Environment::default()) }))
    }

    #[test]
    fn freed_forged_and_wrong_kind_tokens_are_rejected() {
        let t = insert(env());
        assert!(get(t, Some(Kind::Env)).is_some());
        assert!(get(t, Some(Kind::Dbc)).is_none(), "wrong kind");
        assert!(get(Token(t.0 ^ 0xFF00_0000_0000_0000), None).is_none(), "forged");
        assert!(get(Token(0), None).is_none());
        assert!(remove(t).is_some());
        assert!(get(t, Some(Kind::Env)).is_none(), "freed");
        assert!(remove(t).is_none(), "double free");
        // The slot is reused under a new generation: the old token stays dead.
        let t2 = insert(env());
        assert_ne!(t, t2);
        assert!(get(t, None).is_none());
        remove(t2);
    }
}
