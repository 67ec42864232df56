//! Where a connection's OAuth tokens are kept between connections (`OAuthSettingsLocation`): a
//! JSON file, written atomically (temporary file + rename), private (0600 in a 0700 directory),
//! and guarded by a lock file so that of several processes sharing it exactly one refreshes (the
//! others then read the rotated tokens instead of spending the old refresh token, which would
//! revoke the grant); or `memory://NAME`, shared by this process's connections that name it.

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
}

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
        }
    }

    /// The saved tokens, if any. A file that is not what this driver writes is an error that says
    /// so (never read as "no tokens", which would start a new sign-in over someone's file).
    pub fn load(&self) -> Result<Option<TokenSet>, AuthError> {
        match self {
            SettingsStore::Memory(n) => Ok(memory().lock().unwrap_or_else(|p| p.into_inner()).get(n).cloned()),
            SettingsStore::File(path) => {
                let text = match std::fs::read_to_string(path) {
                    Ok(t) => t,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(io_error("read", path, e)),
                };
                refuse_if_others_can_write(path)?;
                if text.trim().is_empty() {
                    return Ok(None);
                }
                serde_json::from_str(&text).map(Some).map_err(|e| {
                    AuthError::Configuration(format!(
                        "The OAuth settings file {} is not valid ({e}): delete it and sign in again (InitiateOAuth=GETANDREFRESH or `atlassian-odbc login`)",
                        path.display()
                    ))
                })
            }
        }
    }

    pub fn save(&self, tokens: &TokenSet) -> Result<(), AuthError> {
        match self {
            SettingsStore::Memory(n) => {
                memory().lock().unwrap_or_else(|p| p.into_inner()).insert(n.clone(), tokens.clone());
                Ok(())
            }
            SettingsStore::File(path) => {
                let text = serde_json::to_string_pretty(tokens).expect("tokens serialise");
                if path.exists() {
                    refuse_if_others_can_write(path)?;
                }
                write_private(path, text.as_bytes())
            }
        }
    }

    /// Forgets the tokens (a revoked or expired grant).
    pub fn clear(&self) -> Result<(), AuthError> {
        match self {
            SettingsStore::Memory(n) => {
                memory().lock().unwrap_or_else(|p| p.into_inner()).remove(n);
                Ok(())
            }
            SettingsStore::File(path) => match std::fs::remove_file(path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_error("remove", path, e)),
            },
        }
    }

    /// Exclusive access to the tokens across connections and processes.
    pub async fn lock(&self) -> Result<StoreLock, AuthError> {
        match self {
            SettingsStore::Memory(n) => {
                let m = memory_locks().lock().unwrap_or_else(|p| p.into_inner()).entry(n.clone()).or_default().clone();
                Ok(StoreLock { _file: None, _memory: Some(m.lock_owned().await) })
            }
            SettingsStore::File(path) => {
                let lock_path = lock_path(path);
                private_dir(&lock_path)?;
                let file = tokio::task::spawn_blocking(move || -> Result<std::fs::File, AuthError> {
                    let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| io_error("lock", &lock_path, e))?;
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
    fn locations_from_the_property() {
        assert_eq!(SettingsStore::from_property(Some("memory://abc"), "https://x.atlassian.net", "id").unwrap(), SettingsStore::Memory("abc".into()));
        assert!(SettingsStore::from_property(Some("memory://"), "s", "c").is_err());
        match SettingsStore::from_property(None, "https://x.atlassian.net", "client/1").unwrap() {
            SettingsStore::File(p) => assert!(p.ends_with("oauth/x.atlassian.net-client_1.json"), "{}", p.display()),
            other => panic!("{other:?}"),
        }
    }
}
