#![cfg_attr(windows, allow(unused_imports))]
//! Where the driver manager keeps drivers and DSNs, per scope. unixODBC: `odbcinst.ini` and
//! `odbc.ini` files, found as unixODBC finds them (`ODBCSYSINI`, `ODBCINSTINI`, `ODBCINI`, the
//! user's home). Windows: the registry keys its driver manager reads (see `windows_registry`).

use std::path::PathBuf;

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

/// unixODBC's file for a list and scope.
#[cfg(not(windows))]
pub fn file_path(list: List, scope: Scope) -> Result<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let home = || -> Result<PathBuf> {
        match directories::BaseDirs::new() {
            Some(b) => Ok(b.home_dir().to_path_buf()),
            None => bail!("cannot find your home directory: set HOME, or use --system"),
        }
    };
    // unixODBC's system directory: ODBCSYSINI, else where it was built to look (/etc here).
    let system_dir = || env("ODBCSYSINI").unwrap_or_else(|| PathBuf::from("/etc"));
    Ok(match (list, scope) {
        (List::Drivers, Scope::User) => home()?.join(".odbcinst.ini"),
        (List::Drivers, Scope::System) => match env("ODBCINSTINI") {
            Some(p) if p.is_absolute() => p,
            Some(name) => system_dir().join(name),
            None => system_dir().join("odbcinst.ini"),
        },
        (List::DataSources, Scope::User) => match env("ODBCINI") {
            Some(p) => p,
            None => home()?.join(".odbc.ini"),
        },
        (List::DataSources, Scope::System) => system_dir().join("odbc.ini"),
    })
}

/// The store of a list and scope, loaded.
pub fn open(list: List, scope: Scope) -> Result<Box<dyn ConfigStore>> {
    #[cfg(not(windows))]
    {
        Ok(Box::new(crate::ini_file::IniFile::load(&file_path(list, scope)?)?))
    }
    #[cfg(windows)]
    {
        Ok(Box::new(crate::windows_registry::RegistryStore::open(list, scope)?))
    }
}
