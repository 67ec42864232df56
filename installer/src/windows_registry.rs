//! Windows: the registry keys the Windows driver manager reads, in the same section/key shape as
//! unixODBC's files. Drivers live under `HKLM\SOFTWARE\ODBC\ODBCINST.INI` (the driver manager
//! reads drivers from the machine hive only, so installing one needs an administrator); DSNs
//! under `HKCU` (user) or `HKLM` (system) `\SOFTWARE\ODBC\ODBC.INI`. Each section is a subkey,
//! each key a string value. Built only on Windows; not tested on the Linux CI.

use anyhow::{Context, Result};
use winreg::enums::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, KEY_ALL_ACCESS};
use winreg::RegKey;

use crate::odbc_config::{ConfigStore, List, Scope};

pub struct RegistryStore {
    root: RegKey,
    path: &'static str,
    hive: &'static str,
}

impl RegistryStore {
    pub fn open(list: List, scope: Scope) -> Result<RegistryStore> {
        let (hive, name) = match (list, scope) {
            (List::Drivers, _) | (List::DataSources, Scope::System) => (HKEY_LOCAL_MACHINE, "HKLM"),
            (List::DataSources, Scope::User) => (HKEY_CURRENT_USER, "HKCU"),
        };
        let path = match list {
            List::Drivers => "SOFTWARE\\ODBC\\ODBCINST.INI",
            List::DataSources => "SOFTWARE\\ODBC\\ODBC.INI",
        };
        let (root, _) =
            RegKey::predef(hive).create_subkey(path).with_context(|| format!("cannot open {name}\\{path} (an administrator is needed for HKLM)"))?;
        Ok(RegistryStore { root, path, hive: name })
    }
}

impl ConfigStore for RegistryStore {
    fn location(&self) -> String {
        format!("{}\\{}", self.hive, self.path)
    }
    fn sections(&self) -> Vec<String> {
        self.root.enum_keys().filter_map(|k| k.ok()).collect()
    }
    fn entries(&self, section: &str) -> Vec<(String, String)> {
        let Ok(key) = self.root.open_subkey(section) else { return Vec::new() };
        key.enum_values().filter_map(|v| v.ok()).map(|(name, value)| (name, value.to_string())).collect()
    }
    fn set(&mut self, section: &str, key: &str, value: &str) -> Result<bool> {
        let (sub, _) = self.root.create_subkey(section).with_context(|| format!("cannot write {}\\{section}", self.location()))?;
        let before: Option<String> = sub.get_value(key).ok();
        if before.as_deref() == Some(value) {
            return Ok(false);
        }
        sub.set_value(key, &value.to_string()).with_context(|| format!("cannot write {}\\{section}\\{key}", self.location()))?;
        Ok(true)
    }
    fn remove_key(&mut self, section: &str, key: &str) -> Result<bool> {
        let Ok(sub) = self.root.open_subkey_with_flags(section, KEY_ALL_ACCESS) else { return Ok(false) };
        Ok(sub.delete_value(key).is_ok())
    }
    fn remove_section(&mut self, section: &str) -> Result<bool> {
        if self.root.open_subkey(section).is_err() {
            return Ok(false);
        }
        self.root.delete_subkey_all(section).with_context(|| format!("cannot delete {}\\{section}", self.location()))?;
        Ok(true)
    }
    fn save(&mut self, _private: bool) -> Result<()> {
        // Registry writes are durable as they are made.
        Ok(())
    }
}
