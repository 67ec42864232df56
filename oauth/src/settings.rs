//! Where a connection's OAuth tokens are kept between connections (`OAuthSettingsLocation`): a
//! JSON file, written atomically (temporary file + rename), private (0600 in a 0700 directory),
//! and guarded by a lock file so that of several processes sharing it exactly one refreshes (the
//! others then read the rotated tokens instead of spending the old refresh token, which would
//! revoke the grant); or `memory://NAME`, shared by this process's connections that name it.
//!
//! A connection that holds a second grant (Data Center's Confluence on a server of its own,
//! its own authorization server) keeps it in the same file, under `servers` by that server's
//! URL, beside the first: one file, one lock, both grants.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::tokens::TokenSet;
use crate::AuthError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsStore {
    File(PathBuf),
    Memory(String),
    /// The grant for another server (its base URL), kept in this store beside its own.
    Server(Box<SettingsStore>, String),
}

/// Where a file keeps the grants of other servers.
const SERVERS: &str = "servers";

/// Held while a connection reads, refreshes and writes the tokens; released when dropped.
pub struct StoreLock {
    _file: Option<std::fs::File>,
    _memory: Option<tokio::sync::OwnedMutexGuard<()>>,
}

fn memory() -> &'static Mutex<HashMap<String, TokenSet>> {
    static TOKENS: OnceLock<Mutex<HashMap<String, TokenSet>>> = OnceLock::new();
    TOKENS.get_or_init(Default::default)
}

fn memory_locks() -> &'static Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    LOCKS.get_or_init(Default::default)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> AuthError {
    AuthError::Configuration(format!("Cannot {what} the OAuth settings file {}: {e}", path.display()))
}

/// A file name part from a site URL or client id: letters, digits, `-` and `.` only.
fn file_part(s: &str) -> String {
    let t = s.trim_start_matches("https://").trim_start_matches("http://");
    t.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '_' }).collect::<String>().trim_matches('_').to_string()
}

impl SettingsStore {
    /// The store `OAuthSettingsLocation` names; by default a file per site and client under the
    /// user's configuration directory.
    pub fn from_property(value: Option<&str>, site: &str, client_id: &str) -> Result<SettingsStore, AuthError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) if v.to_ascii_lowercase().starts_with("memory://") => {
                let name = &v["memory://".len()..];
                if name.is_empty() {
                    return Err(AuthError::Configuration("OAuthSettingsLocation=memory://NAME needs a NAME".into()));
                }
                Ok(SettingsStore::Memory(name.to_string()))
            }
            Some(v) => Ok(SettingsStore::File(PathBuf::from(v))),
            None => {
                let dirs = directories::ProjectDirs::from("", "", "atlassian-odbc")
                    .ok_or_else(|| AuthError::Configuration("Cannot find your configuration directory (is HOME set?): give OAuthSettingsLocation".into()))?;
                Ok(SettingsStore::File(dirs.config_dir().join("oauth").join(format!("{}-{}.json", file_part(site), file_part(client_id)))))
            }
        }
    }

    /// For messages: the file's path, or `memory://NAME`.
    pub fn describe(&self) -> String {
        match self {
            SettingsStore::File(p) => p.display().to_string(),
            SettingsStore::Memory(n) => format!("memory://{n}"),
            SettingsStore::Server(base, server) => format!("{} (the grant for {server})", base.describe()),
        }
    }

    /// This store's section for the grant of another server.
    pub fn for_server(&self, server: &str) -> SettingsStore {
        SettingsStore::Server(Box::new(self.clone()), server.trim_end_matches('/').to_string())
    }

    /// The saved tokens, if any. A file that is not what this driver writes is an error that says
    /// so (never read as "no tokens", which would start a new sign-in over someone's file).
    pub fn load(&self) -> Result<Option<TokenSet>, AuthError> {
        match self {
            SettingsStore::Memory(n) => Ok(memory().lock().unwrap_or_else(|p| p.into_inner()).get(n).cloned()),
            SettingsStore::File(path) => {
                let Some(whole) = existing(path)? else { return Ok(None) };
                // A file holding only other servers' grants has none of its own.
                if whole.get("access_token").is_none() {
                    return Ok(None);
                }
                serde_json::from_value(whole).map(Some).map_err(|e| invalid_file(path, e))
            }
            SettingsStore::Server(base, server) => match base.as_ref() {
                SettingsStore::Memory(n) => Ok(memory().lock().unwrap_or_else(|p| p.into_inner()).get(&format!("{n}\n{server}")).cloned()),
                SettingsStore::File(path) => {
                    let Some(whole) = existing(path)? else { return Ok(None) };
                    match whole.get(SERVERS).and_then(|s| s.get(server.as_str())) {
                        Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|e| invalid_file(path, e)),
                        None => Ok(None),
                    }
                }
                SettingsStore::Server(..) => Err(AuthError::Configuration("a server's grant has no servers of its own".into())),
            },
        }
    }

    pub fn save(&self, tokens: &TokenSet) -> Result<(), AuthError> {
        match self {
            SettingsStore::Memory(n) => {
                memory().lock().unwrap_or_else(|p| p.into_inner()).insert(n.clone(), tokens.clone());
                Ok(())
            }
            SettingsStore::File(path) => {
                // Other servers' grants stay as they are.
                let mut whole = serde_json::to_value(tokens).expect("tokens serialise");
                if let Some(servers) = existing(path)?.and_then(|mut v| v.get_mut(SERVERS).map(serde_json::Value::take)) {
                    whole[SERVERS] = servers;
                }
                write_private(path, serde_json::to_string_pretty(&whole).expect("JSON serialises").as_bytes())
            }
            SettingsStore::Server(base, server) => match base.as_ref() {
                SettingsStore::Memory(n) => {
                    memory().lock().unwrap_or_else(|p| p.into_inner()).insert(format!("{n}\n{server}"), tokens.clone());
                    Ok(())
                }
                SettingsStore::File(path) => {
                    let mut whole = existing(path)?.unwrap_or_else(|| serde_json::json!({}));
                    whole[SERVERS][server.as_str()] = serde_json::to_value(tokens).expect("tokens serialise");
                    write_private(path, serde_json::to_string_pretty(&whole).expect("JSON serialises").as_bytes())
                }
                SettingsStore::Server(..) => Err(AuthError::Configuration("a server's grant has no servers of its own".into())),
            },
        }
    }

    /// Forgets the tokens (a revoked or expired grant).
    pub fn clear(&self) -> Result<(), AuthError> {
        match self {
            SettingsStore::Memory(n) => {
                memory().lock().unwrap_or_else(|p| p.into_inner()).remove(n);
                Ok(())
            }
            SettingsStore::File(path) => {
                // Other servers' grants outlive this one.
                if let Some(servers) = existing(path)
                    .ok()
                    .flatten()
                    .and_then(|mut v| v.get_mut(SERVERS).map(serde_json::Value::take))
                    .filter(|s| s.as_object().is_some_and(|o| !o.is_empty()))
                {
                    return write_private(path, serde_json::to_string_pretty(&serde_json::json!({ SERVERS: servers })).expect("JSON serialises").as_bytes());
                }
                match std::fs::remove_file(path) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(io_error("remove", path, e)),
                }
            }
            SettingsStore::Server(base, server) => match base.as_ref() {
                SettingsStore::Memory(n) => {
                    memory().lock().unwrap_or_else(|p| p.into_inner()).remove(&format!("{n}\n{server}"));
                    Ok(())
                }
                SettingsStore::File(path) => {
                    let Some(mut whole) = existing(path)? else { return Ok(()) };
                    let Some(servers) = whole.get_mut(SERVERS).and_then(serde_json::Value::as_object_mut) else { return Ok(()) };
                    servers.remove(server.as_str());
                    write_private(path, serde_json::to_string_pretty(&whole).expect("JSON serialises").as_bytes())
                }
                SettingsStore::Server(..) => Ok(()),
            },
        }
    }

    /// Exclusive access to the tokens across connections and processes.
    pub async fn lock(&self) -> Result<StoreLock, AuthError> {
        match self {
            // One lock for the file's grants: refreshing one rewrites the file both are in.
            SettingsStore::Server(base, _) => Box::pin(base.lock()).await,
            SettingsStore::Memory(n) => {
                let m = memory_locks().lock().unwrap_or_else(|p| p.into_inner()).entry(n.clone()).or_default().clone();
                Ok(StoreLock { _file: None, _memory: Some(m.lock_owned().await) })
            }
            SettingsStore::File(path) => {
                let lock_path = lock_path(path);
                private_dir(&lock_path)?;
                let file = tokio::task::spawn_blocking(move || -> Result<std::fs::File, AuthError> {
                    let f =
                        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| io_error("lock", &lock_path, e))?;
                    f.lock().map_err(|e| io_error("lock", &lock_path, e))?;
                    Ok(f)
                })
                .await
                .map_err(|e| AuthError::Configuration(format!("Cannot lock the OAuth settings file: {e}")))??;
                Ok(StoreLock { _file: Some(file), _memory: None })
            }
        }
    }
}

fn invalid_file(path: &Path, e: impl std::fmt::Display) -> AuthError {
    AuthError::Configuration(format!(
        "The OAuth settings file {} is not valid ({e}): delete it and sign in again (InitiateOAuth=GETANDREFRESH or `atlassian-odbc login`)",
        path.display()
    ))
}

/// The file's JSON object; anything else is an error that says so.
fn parse_file(path: &Path, text: &str) -> Result<serde_json::Value, AuthError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v),
        Ok(_) => Err(invalid_file(path, "not a JSON object")),
        Err(e) => Err(invalid_file(path, e)),
    }
}

/// The file's JSON object, if there is a file: a file others may write, or one that is not
/// this driver's, is an error (never read as empty, nor written over).
fn existing(path: &Path) -> Result<Option<serde_json::Value>, AuthError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error("read", path, e)),
    };
    refuse_if_others_can_write(path)?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    parse_file(path, &text).map(Some)
}

/// Tokens in a file (or a directory) other users may write could be replaced by theirs: such a
/// file is refused, with what to do. A sticky shared directory (`/tmp`) protects its files.
fn refuse_if_others_can_write(path: &Path) -> Result<(), AuthError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let open = |p: &Path, what: &str, sticky_ok: bool| -> Result<(), AuthError> {
            let Ok(meta) = std::fs::metadata(p) else { return Ok(()) };
            let mode = meta.permissions().mode();
            if mode & 0o022 != 0 && !(sticky_ok && mode & 0o1000 != 0) {
                return Err(AuthError::Configuration(format!(
                    "The OAuth settings {what} {} can be written by other users (mode {:o}), so the tokens in it cannot be trusted: make it private (chmod {} {}) or choose another OAuthSettingsLocation",
                    p.display(),
                    mode & 0o7777,
                    if what == "file" { "600" } else { "700" },
                    p.display()
                )));
            }
            Ok(())
        };
        open(path, "file", false)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            open(dir, "directory", true)?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".lock");
    path.with_file_name(name)
}

/// The file's directory, created 0700 when it does not exist yet.
fn private_dir(path: &Path) -> Result<(), AuthError> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else { return Ok(()) };
    if dir.exists() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| io_error("create the directory of", path, e))
}

/// Temporary file (0600) beside the target, flushed, then renamed over it: a reader sees the
/// old file or the new one, never half of one.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), AuthError> {
    private_dir(path)?;
    let mut tmp_name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = (|| -> std::io::Result<()> {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        let mut f = o.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error("write", path, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(access: &str) -> TokenSet {
        TokenSet { access_token: access.into(), refresh_token: Some("r".into()), issued_at: 1, expires_at: Some(3601), scope: "read:me".into(), cloud_id: None }
    }

    #[test]
    fn a_file_store_round_trips_privately_and_refuses_garbage() {
        let dir = std::env::temp_dir().join(format!("oauth-settings-{}", std::process::id()));
        let path = dir.join("nested").join("site.json");
        let store = SettingsStore::File(path.clone());
        assert_eq!(store.load().unwrap(), None);
        store.save(&tokens("a1")).unwrap();
        assert_eq!(store.load().unwrap().unwrap().access_token, "a1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        }
        std::fs::write(&path, "{not json").unwrap();
        let e = store.load().unwrap_err().to_string();
        assert!(e.contains("not valid") && e.contains("site.json"), "{e}");
        store.clear().unwrap();
        assert_eq!(store.load().unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            store.save(&tokens("a2")).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
            let e = store.load().unwrap_err().to_string();
            assert!(e.contains("other users") && e.contains("chmod 600"), "{e}");
            assert!(store.save(&tokens("a3")).is_err(), "not overwritten either");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            std::fs::set_permissions(path.parent().unwrap(), std::fs::Permissions::from_mode(0o777)).unwrap();
            assert!(store.load().unwrap_err().to_string().contains("directory"));
            std::fs::set_permissions(path.parent().unwrap(), std::fs::Permissions::from_mode(0o1777)).unwrap();
            assert_eq!(store.load().unwrap().unwrap().access_token, "a2", "a sticky shared directory protects its files");
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn another_servers_grant_lives_beside_the_first_in_one_file() {
        let dir = std::env::temp_dir().join(format!("oauth-servers-{}", std::process::id()));
        let path = dir.join("both.json");
        let jira = SettingsStore::File(path.clone());
        let confluence = jira.for_server("https://wiki.example.com/");
        confluence.save(&tokens("c1")).unwrap();
        assert_eq!(jira.load().unwrap(), None, "only the other server's grant is there");
        jira.save(&tokens("j1")).unwrap();
        assert_eq!(confluence.load().unwrap().unwrap().access_token, "c1", "saving the first keeps the second");
        confluence.save(&tokens("c2")).unwrap();
        assert_eq!(jira.load().unwrap().unwrap().access_token, "j1");
        assert!(std::fs::read_to_string(&path).unwrap().contains("https://wiki.example.com"));
        jira.clear().unwrap();
        assert_eq!((jira.load().unwrap(), confluence.load().unwrap().map(|t| t.access_token)), (None, Some("c2".into())));
        confluence.clear().unwrap();
        assert_eq!(confluence.load().unwrap(), None);
        std::fs::write(&path, "[1]").unwrap();
        assert!(confluence.save(&tokens("c3")).unwrap_err().to_string().contains("not valid"), "a file not ours is not written over");
        let memory = SettingsStore::Memory("servers-test".into());
        memory.for_server("https://w").save(&tokens("m")).unwrap();
        assert_eq!((memory.load().unwrap(), memory.for_server("https://w").load().unwrap().map(|t| t.access_token)), (None, Some("m".into())));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn locations_from_the_property() {
        assert_eq!(SettingsStore::from_property(Some("memory://abc"), "https://x.atlassian.net", "id").unwrap(), SettingsStore::Memory("abc".into()));
        assert!(SettingsStore::from_property(Some("memory://"), "s", "c").is_err());
        match SettingsStore::from_property(None, "https://x.atlassian.net", "client/1").unwrap() {
            SettingsStore::File(p) => assert!(p.ends_with("oauth/x.atlassian.net-client_1.json"), "{}", p.display()),
            other => panic!("{other:?}"),
        }
    }
}
