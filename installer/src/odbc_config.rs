#![cfg_attr(windows, allow(unused_imports, dead_code))]
//! Where the driver managers keep drivers and DSNs, per scope. On Linux and macOS two driver
//! managers read `odbcinst.ini` (drivers) and `odbc.ini` (DSNs) files, each finding them its own
//! way; both ways are modelled here as the programs behave (checked with strace against unixODBC
//! 2.3.11 and iODBC 3.52.9):
//!
//! | list, scope | unixODBC | iODBC |
//! | --- | --- | --- |
//! | drivers, user | `$HOME/.odbcinst.ini` | `$ODBCINSTINI` (a path), else `$HOME/.odbcinst.ini` |
//! | drivers, system | `${ODBCSYSINI:-/etc}/${ODBCINSTINI:-odbcinst.ini}` | `$SYSODBCINSTINI`, else `/etc/odbcinst.ini` |
//! | DSNs, user | `$ODBCINI`, else `.odbc.ini` in the account's home (from the password database, not `$HOME`) | `$ODBCINI`, else `$HOME/.odbc.ini` |
//! | DSNs, system | `${ODBCSYSINI:-/etc}/odbc.ini` | `$SYSODBCINI`, else `/etc/odbc.ini` |
//!
//! iODBC takes each of its variables only when the file it names exists, and ignores
//! `ODBCSYSINI`; a DSN or driver not found in the user's file is looked up in the system's by
//! both. Where the two read the same file it is written once. Windows: the registry keys its
//! driver manager reads (see `windows_registry`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// User scope (the default: no root needed) or system scope (every user of the machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    User,
    System,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::System => "system",
        }
    }
}

/// Which of the two lists: drivers (`odbcinst.ini`) or data sources (`odbc.ini`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Drivers,
    DataSources,
}

/// One of the two driver managers of Linux and macOS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverManager {
    UnixOdbc,
    Iodbc,
}

impl DriverManager {
    pub fn name(self) -> &'static str {
        match self {
            DriverManager::UnixOdbc => "unixODBC",
            DriverManager::Iodbc => "iODBC",
        }
    }
}

/// `--driver-manager`: whose files are written (and cleaned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Managers {
    #[value(name = "unixodbc")]
    UnixOdbc,
    #[value(name = "iodbc")]
    Iodbc,
    Both,
}

impl Managers {
    pub fn each(self) -> &'static [DriverManager] {
        match self {
            Managers::UnixOdbc => &[DriverManager::UnixOdbc],
            Managers::Iodbc => &[DriverManager::Iodbc],
            Managers::Both => &[DriverManager::UnixOdbc, DriverManager::Iodbc],
        }
    }

    /// Without `--driver-manager`: both when iODBC is installed, else unixODBC's files alone (so
    /// a machine without iODBC gets no `[ODBC Drivers]` section, which unixODBC would list as a
    /// driver).
    pub fn detected() -> Managers {
        if iodbc_installed() {
            Managers::Both
        } else {
            Managers::UnixOdbc
        }
    }
}

/// Whether iODBC's driver manager library is in one of the usual library directories (or on
/// `LD_LIBRARY_PATH`).
#[cfg(not(windows))]
pub fn iodbc_installed() -> bool {
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH").map(|v| std::env::split_paths(&v).collect()).unwrap_or_default();
    for base in ["/usr/lib", "/lib", "/usr/lib64", "/usr/local/lib", "/opt/homebrew/lib", "/opt/local/lib"] {
        dirs.push(PathBuf::from(base));
        // Debian's multiarch directories: /usr/lib/x86_64-linux-gnu and the like.
        for entry in std::fs::read_dir(base).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().contains("-linux-") {
                dirs.push(entry.path());
            }
        }
    }
    dirs.iter().any(|d| ["libiodbc.so.2", "libiodbc.so", "libiodbc.2.dylib", "libiodbc.dylib"].iter().any(|n| d.join(n).exists()))
}

#[cfg(windows)]
pub fn iodbc_installed() -> bool {
    false
}

/// One list of one scope, edited by section and key.
pub trait ConfigStore {
    /// Where it lives, for messages (a file path or a registry key).
    fn location(&self) -> String;
    fn sections(&self) -> Vec<String>;
    fn entries(&self, section: &str) -> Vec<(String, String)>;
    fn set(&mut self, section: &str, key: &str, value: &str) -> Result<bool>;
    fn remove_key(&mut self, section: &str, key: &str) -> Result<bool>;
    fn remove_section(&mut self, section: &str) -> Result<bool>;
    /// Makes the edits durable; `private` when an entry holds a secret.
    fn save(&mut self, private: bool) -> Result<()>;

    fn get(&self, section: &str, key: &str) -> Option<String> {
        self.entries(section).into_iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
    }
    fn has_section(&self, section: &str) -> bool {
        self.sections().iter().any(|s| s.eq_ignore_ascii_case(section))
    }
}

#[cfg(not(windows))]
impl ConfigStore for crate::ini_file::IniFile {
    fn location(&self) -> String {
        self.path().display().to_string()
    }
    fn sections(&self) -> Vec<String> {
        crate::ini_file::IniFile::sections(self)
    }
    fn entries(&self, section: &str) -> Vec<(String, String)> {
        crate::ini_file::IniFile::entries(self, section)
    }
    fn set(&mut self, section: &str, key: &str, value: &str) -> Result<bool> {
        Ok(crate::ini_file::IniFile::set(self, section, key, value))
    }
    fn remove_key(&mut self, section: &str, key: &str) -> Result<bool> {
        Ok(crate::ini_file::IniFile::remove_key(self, section, key))
    }
    fn remove_section(&mut self, section: &str) -> Result<bool> {
        Ok(crate::ini_file::IniFile::remove_section(self, section))
    }
    fn save(&mut self, private: bool) -> Result<()> {
        crate::ini_file::IniFile::save(self, private)
    }
}

/// What the driver managers' file lookups depend on: the environment variables they read, the
/// home directory (`$HOME`, else the account's), and the account's home from the password
/// database (unixODBC's place for the user's `odbc.ini`).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, PathBuf>,
    home: Option<PathBuf>,
    account_home: Option<PathBuf>,
}

const VARIABLES: [&str; 5] = ["ODBCSYSINI", "ODBCINSTINI", "ODBCINI", "SYSODBCINI", "SYSODBCINSTINI"];

impl Environment {
    #[cfg(not(windows))]
    pub fn current() -> Environment {
        let vars = VARIABLES.iter().filter_map(|k| std::env::var_os(k).filter(|v| !v.is_empty()).map(|v| (k.to_string(), PathBuf::from(v)))).collect();
        let home = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
        Environment { vars, home, account_home: account_home() }
    }

    /// For tests: the given variables (empty ones count as unset, as both driver managers take
    /// them) and home directories.
    #[cfg(test)]
    pub fn with(vars: &[(&str, &str)], home: Option<&str>, account_home: Option<&str>) -> Environment {
        let vars = vars.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_string(), PathBuf::from(v))).collect();
        Environment { vars, home: home.map(PathBuf::from), account_home: account_home.map(PathBuf::from) }
    }

    fn var(&self, name: &str) -> Option<&Path> {
        self.vars.get(name).map(PathBuf::as_path)
    }

    fn home(&self) -> Result<&Path> {
        match &self.home {
            Some(h) => Ok(h),
            None => bail!("cannot find your home directory: set HOME, or use --system"),
        }
    }

    fn account_home(&self) -> Result<&Path> {
        match &self.account_home {
            Some(h) => Ok(h),
            None => self.home(),
        }
    }
}

/// The home directory of the account running this program, from the password database.
///
/// The one `unsafe` block outside the driver's FFI layer, on purpose: this is the installer, a
/// program of its own, and unixODBC finds the user's `odbc.ini` through `getpwuid` (not `$HOME`),
/// which the standard library does not expose; the call is kept to this function.
#[cfg(unix)]
fn account_home() -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut buf = vec![0 as libc::c_char; 16384];
    // SAFETY: getpwuid_r writes only into `pw` and `buf` (whose length it is given); `found`
    // points at `pw` on success, and `pw_dir` then points into `buf`, which outlives its use.
    unsafe {
        let mut pw: libc::passwd = std::mem::zeroed();
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        if libc::getpwuid_r(libc::getuid(), &mut pw, buf.as_mut_ptr(), buf.len(), &mut found) != 0 || found.is_null() || pw.pw_dir.is_null() {
            return None;
        }
        let dir = std::ffi::CStr::from_ptr(pw.pw_dir).to_bytes();
        (!dir.is_empty()).then(|| PathBuf::from(std::ffi::OsStr::from_bytes(dir)))
    }
}

#[cfg(not(unix))]
fn account_home() -> Option<PathBuf> {
    None
}

/// The file `manager` reads `list` of `scope` from, given `env`.
pub fn file_path(manager: DriverManager, list: List, scope: Scope, env: &Environment) -> Result<PathBuf> {
    Ok(match manager {
        DriverManager::UnixOdbc => {
            // unixODBC's system directory: ODBCSYSINI, else where it was built to look (/etc).
            let system_dir = || env.var("ODBCSYSINI").unwrap_or(Path::new("/etc")).to_path_buf();
            match (list, scope) {
                (List::Drivers, Scope::User) => env.home()?.join(".odbcinst.ini"),
                (List::Drivers, Scope::System) => match env.var("ODBCINSTINI") {
                    // unixODBC appends ODBCINSTINI to the system directory whatever it holds
                    // (/etc//opt/odbcinst.ini), so an absolute path names a file it never finds.
                    Some(p) if p.has_root() => bail!(
                        "ODBCINSTINI is {}, a path, but unixODBC takes it as a file name in its system directory (ODBCSYSINI, else /etc) and so finds no drivers; \
                         unset it or make it a file name (iODBC takes a path: use --driver-manager iodbc to write iODBC's files alone)",
                        p.display()
                    ),
                    Some(name) => system_dir().join(name),
                    None => system_dir().join("odbcinst.ini"),
                },
                (List::DataSources, Scope::User) => match env.var("ODBCINI") {
                    Some(p) => p.to_path_buf(),
                    None => env.account_home()?.join(".odbc.ini"),
                },
                (List::DataSources, Scope::System) => system_dir().join("odbc.ini"),
            }
        }
        // iODBC reads each variable's file when it exists; once written here, it does.
        DriverManager::Iodbc => match (list, scope) {
            // A relative ODBCINSTINI is unixODBC's file name: iODBC would look for it in the
            // working directory, find nothing, and read ~/.odbcinst.ini.
            (List::Drivers, Scope::User) => match env.var("ODBCINSTINI") {
                Some(p) if p.is_absolute() => p.to_path_buf(),
                _ => env.home()?.join(".odbcinst.ini"),
            },
            (List::Drivers, Scope::System) => env.var("SYSODBCINSTINI").unwrap_or(Path::new("/etc/odbcinst.ini")).to_path_buf(),
            (List::DataSources, Scope::User) => match env.var("ODBCINI") {
                Some(p) => p.to_path_buf(),
                None => env.home()?.join(".odbc.ini"),
            },
            (List::DataSources, Scope::System) => env.var("SYSODBCINI").unwrap_or(Path::new("/etc/odbc.ini")).to_path_buf(),
        },
    })
}

/// Whether two paths name one file (the same path, or both resolving to one existing file).
fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// The distinct files the driver managers of `managers` read `list` of `scope` from, each with
/// who reads it, unixODBC's first; and notes on files left alone. Unless the driver managers
/// were `chosen` (`--driver-manager`), a system file of iODBC's that is not unixODBC's because
/// ODBCSYSINI moved unixODBC's elsewhere (iODBC ignores it) is left alone: whoever set
/// ODBCSYSINI meant the system files to be there, not in /etc.
/// Files, each with the driver managers that read it.
pub type FilesRead = Vec<(PathBuf, Vec<DriverManager>)>;

pub fn file_paths(list: List, scope: Scope, managers: Managers, chosen: bool, env: &Environment) -> Result<(FilesRead, Vec<String>)> {
    let mut out: Vec<(PathBuf, Vec<DriverManager>)> = Vec::new();
    let mut notes = Vec::new();
    for &m in managers.each() {
        let path = file_path(m, list, scope, env)?;
        match out.iter_mut().find(|(p, _)| same_file(p, &path)) {
            Some((_, readers)) => readers.push(m),
            None => {
                let own = if list == List::Drivers { "SYSODBCINSTINI" } else { "SYSODBCINI" };
                if !chosen
                    && m == DriverManager::Iodbc
                    && scope == Scope::System
                    && env.var("ODBCSYSINI").is_some()
                    && env.var(own).is_none()
                    && !out.is_empty()
                {
                    notes.push(format!(
                        "iODBC ignores ODBCSYSINI and reads {}, left alone: set {own} to the file iODBC should read, or give --driver-manager both to edit {} too.",
                        path.display(),
                        path.display()
                    ));
                    continue;
                }
                out.push((path, vec![m]))
            }
        }
    }
    Ok((out, notes))
}

/// One place a list of one scope is kept, and who reads it.
pub struct Location {
    #[cfg(not(windows))]
    path: PathBuf,
    #[cfg(windows)]
    list: List,
    #[cfg(windows)]
    scope: Scope,
    /// The driver managers that read it (none named on Windows: there is one).
    pub readers: Vec<DriverManager>,
}

impl Location {
    /// Loads it (a file that does not exist yet is empty).
    pub fn open(&self) -> Result<Box<dyn ConfigStore>> {
        #[cfg(not(windows))]
        {
            Ok(Box::new(crate::ini_file::IniFile::load(&self.path)?))
        }
        #[cfg(windows)]
        {
            Ok(Box::new(crate::windows_registry::RegistryStore::open(self.list, self.scope)?))
        }
    }

    /// Whether `[ODBC Drivers]` must name the driver here: it is the list of installed drivers
    /// iODBC (and Windows) enumerate. unixODBC lists every section of odbcinst.ini as a driver
    /// instead, `[ODBC Drivers]` too, so the section goes only where iODBC reads.
    pub fn lists_installed_drivers(&self) -> bool {
        cfg!(windows) || self.readers.contains(&DriverManager::Iodbc)
    }

    /// "unixODBC and iODBC", for messages.
    pub fn readers_text(&self) -> String {
        if self.readers.is_empty() {
            return "the Windows driver manager".to_string();
        }
        self.readers.iter().map(|m| m.name()).collect::<Vec<_>>().join(" and ")
    }
}

/// Where `list` of `scope` is kept for the driver managers of `managers`, one entry per distinct
/// file, and notes on files left alone (see `file_paths`). Open them one after the other (load,
/// edit, save), so that two names of one file never overwrite each other's edits.
pub fn locations(list: List, scope: Scope, managers: Managers, chosen: bool) -> Result<(Vec<Location>, Vec<String>)> {
    #[cfg(not(windows))]
    {
        let (found, notes) = file_paths(list, scope, managers, chosen, &Environment::current())?;
        Ok((found.into_iter().map(|(path, readers)| Location { path, readers }).collect(), notes))
    }
    #[cfg(windows)]
    {
        let _ = (managers, chosen);
        Ok((vec![Location { list, scope, readers: Vec::new() }], Vec::new()))
    }
}

#[cfg(all(test, not(windows)))]
mod tests {
    use super::*;

    use DriverManager::{Iodbc, UnixOdbc};

    fn env(vars: &[(&str, &str)]) -> Environment {
        Environment::with(vars, Some("/home/u"), Some("/home/u"))
    }

    fn path(m: DriverManager, list: List, scope: Scope, e: &Environment) -> String {
        file_path(m, list, scope, e).unwrap().display().to_string()
    }

    #[test]
    fn with_no_variables_both_read_the_same_four_files() {
        let e = env(&[]);
        for (list, scope, expected) in [
            (List::Drivers, Scope::User, "/home/u/.odbcinst.ini"),
            (List::Drivers, Scope::System, "/etc/odbcinst.ini"),
            (List::DataSources, Scope::User, "/home/u/.odbc.ini"),
            (List::DataSources, Scope::System, "/etc/odbc.ini"),
        ] {
            assert_eq!(path(UnixOdbc, list, scope, &e), expected);
            assert_eq!(path(Iodbc, list, scope, &e), expected);
            let files = file_paths(list, scope, Managers::Both, false, &e).unwrap().0;
            assert_eq!(files, vec![(PathBuf::from(expected), vec![UnixOdbc, Iodbc])], "one file, written once");
        }
    }

    #[test]
    fn iodbc_ignores_odbcsysini_and_has_its_own_system_variables() {
        let e = env(&[("ODBCSYSINI", "/srv/odbc")]);
        assert_eq!(path(UnixOdbc, List::Drivers, Scope::System, &e), "/srv/odbc/odbcinst.ini");
        assert_eq!(path(UnixOdbc, List::DataSources, Scope::System, &e), "/srv/odbc/odbc.ini");
        assert_eq!(path(Iodbc, List::Drivers, Scope::System, &e), "/etc/odbcinst.ini");
        assert_eq!(path(Iodbc, List::DataSources, Scope::System, &e), "/etc/odbc.ini");
        let (files, notes) = file_paths(List::Drivers, Scope::System, Managers::Both, true, &e).unwrap();
        assert_eq!(files, vec![(PathBuf::from("/srv/odbc/odbcinst.ini"), vec![UnixOdbc]), (PathBuf::from("/etc/odbcinst.ini"), vec![Iodbc])]);
        assert!(notes.is_empty());
        // Not asked for by name, /etc stays untouched when ODBCSYSINI points elsewhere.
        let (files, notes) = file_paths(List::DataSources, Scope::System, Managers::Both, false, &e).unwrap();
        assert_eq!(files, vec![(PathBuf::from("/srv/odbc/odbc.ini"), vec![UnixOdbc])]);
        assert!(notes.len() == 1 && notes[0].contains("/etc/odbc.ini") && notes[0].contains("SYSODBCINI"), "{notes:?}");
        assert_eq!(
            file_paths(List::Drivers, Scope::System, Managers::Iodbc, false, &e).unwrap().0,
            vec![(PathBuf::from("/etc/odbcinst.ini"), vec![Iodbc])],
            "iODBC's alone: its own"
        );
        assert_eq!(file_paths(List::Drivers, Scope::System, Managers::UnixOdbc, true, &e).unwrap().0.len(), 1);

        let e = env(&[("ODBCSYSINI", "/srv/odbc"), ("SYSODBCINSTINI", "/srv/odbc/odbcinst.ini"), ("SYSODBCINI", "/srv/odbc/odbc.ini")]);
        for list in [List::Drivers, List::DataSources] {
            let (files, notes) = file_paths(list, Scope::System, Managers::Both, false, &e).unwrap();
            assert!(files.len() == 1 && files[0].1.len() == 2 && notes.is_empty(), "{list:?}: the same file for both");
        }
        assert_eq!(path(UnixOdbc, List::Drivers, Scope::User, &e), "/home/u/.odbcinst.ini", "the system variables leave the user's files");
    }

    #[test]
    fn odbcinstini_is_a_name_to_unixodbc_and_a_path_to_iodbc() {
        let e = env(&[("ODBCSYSINI", "/srv/odbc"), ("ODBCINSTINI", "drivers.ini")]);
        assert_eq!(path(UnixOdbc, List::Drivers, Scope::System, &e), "/srv/odbc/drivers.ini");
        assert_eq!(path(Iodbc, List::Drivers, Scope::User, &e), "/home/u/.odbcinst.ini", "a bare name is not iODBC's");
        let e = env(&[("ODBCINSTINI", "/opt/odbc/odbcinst.ini")]);
        assert_eq!(path(Iodbc, List::Drivers, Scope::User, &e), "/opt/odbc/odbcinst.ini");
        assert_eq!(path(UnixOdbc, List::Drivers, Scope::User, &e), "/home/u/.odbcinst.ini");
        let err = file_path(UnixOdbc, List::Drivers, Scope::System, &e).unwrap_err().to_string();
        assert!(err.contains("ODBCINSTINI") && err.contains("--driver-manager iodbc"), "{err}");
        assert_eq!(path(Iodbc, List::Drivers, Scope::System, &e), "/etc/odbcinst.ini");
        assert!(file_paths(List::Drivers, Scope::System, Managers::Iodbc, true, &e).is_ok());
    }

    #[test]
    fn user_dsns_follow_odbcini_and_unixodbc_takes_the_accounts_home() {
        let e = env(&[("ODBCINI", "/tmp/x/odbc.ini")]);
        assert_eq!(
            file_paths(List::DataSources, Scope::User, Managers::Both, false, &e).unwrap().0,
            vec![(PathBuf::from("/tmp/x/odbc.ini"), vec![UnixOdbc, Iodbc])]
        );
        // HOME moved away from the account's home: unixODBC still reads the account's file.
        let e = Environment::with(&[("ODBCINI", "")], Some("/tmp/h"), Some("/home/u"));
        assert_eq!(path(UnixOdbc, List::DataSources, Scope::User, &e), "/home/u/.odbc.ini");
        assert_eq!(path(Iodbc, List::DataSources, Scope::User, &e), "/tmp/h/.odbc.ini");
        assert_eq!(path(UnixOdbc, List::Drivers, Scope::User, &e), "/tmp/h/.odbcinst.ini", "but its drivers under $HOME");
        assert_eq!(file_paths(List::DataSources, Scope::User, Managers::Both, false, &e).unwrap().0.len(), 2);
        let no_home = Environment::with(&[], None, None);
        assert!(file_path(Iodbc, List::DataSources, Scope::User, &no_home).unwrap_err().to_string().contains("home directory"));
        assert_eq!(path(Iodbc, List::DataSources, Scope::System, &no_home), "/etc/odbc.ini");
    }

    #[test]
    fn two_names_of_one_file_are_one_file() {
        let dir = std::env::temp_dir().join(format!("odbc-config-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("real")).unwrap();
        std::fs::write(dir.join("real/odbc.ini"), "").unwrap();
        std::fs::write(dir.join("real/.odbc.ini"), "").unwrap();
        let (real, dotted) = (dir.join("real"), dir.join("real/../real"));
        // unixODBC's user file under the account's home, iODBC's under HOME: one directory.
        let e = Environment::with(&[], Some(dotted.to_str().unwrap()), Some(real.to_str().unwrap()));
        assert_eq!(file_paths(List::DataSources, Scope::User, Managers::Both, false, &e).unwrap().0.len(), 1);
        let e = Environment::with(&[("ODBCSYSINI", real.to_str().unwrap()), ("SYSODBCINI", dotted.join("odbc.ini").to_str().unwrap())], None, None);
        assert_eq!(file_paths(List::DataSources, Scope::System, Managers::Both, true, &e).unwrap().0.len(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_iodbcs_files_list_installed_drivers() {
        let loc = |readers: Vec<DriverManager>| Location { path: PathBuf::from("/x"), readers };
        assert!(!loc(vec![UnixOdbc]).lists_installed_drivers());
        assert!(loc(vec![UnixOdbc, Iodbc]).lists_installed_drivers());
        assert_eq!(loc(vec![UnixOdbc, Iodbc]).readers_text(), "unixODBC and iODBC");
        assert_eq!(loc(vec![Iodbc]).readers_text(), "iODBC");
    }
}
