//! The environment handle's attributes.

use crate::error::{OdbcError, OdbcResult, SqlState};

pub const SQL_ATTR_ODBC_VERSION: i32 = 200;
pub const SQL_ATTR_CONNECTION_POOLING: i32 = 201;
pub const SQL_ATTR_CP_MATCH: i32 = 202;
pub const SQL_ATTR_OUTPUT_NTS: i32 = 10001;

#[derive(Debug, Default)]
pub struct Environment {
    /// `SQL_OV_ODBC2` (2), `SQL_OV_ODBC3` (3) or `SQL_OV_ODBC3_80` (380); 0 until the client sets it.
    pub odbc_version: i32,
    pub connection_pooling: u32,
    pub cp_match: u32,
    pub connections: usize,
}

impl Environment {
    pub fn set_attr(&mut self, attr: i32, value: usize) -> OdbcResult<()> {
        match attr {
            SQL_ATTR_ODBC_VERSION => match value {
                2 | 3 | 380 => {
                    if self.connections > 0 {
                        return Err(OdbcError::sequence("SQL_ATTR_ODBC_VERSION cannot change while connections are allocated"));
                    }
                    self.odbc_version = value as i32;
                    Ok(())
                }
                v => Err(OdbcError::new(SqlState::INVALID_ATTRIBUTE_VALUE, format!("Invalid attribute value: SQL_ATTR_ODBC_VERSION {v} (use 2, 3 or 380)"))),
            },
            SQL_ATTR_CONNECTION_POOLING => {
                self.connection_pooling = value as u32;
                Ok(())
            }
            SQL_ATTR_CP_MATCH => {
                self.cp_match = value as u32;
                Ok(())
            }
            SQL_ATTR_OUTPUT_NTS => match value {
                1 => Ok(()),
                _ => Err(OdbcError::not_implemented("SQL_ATTR_OUTPUT_NTS must stay SQL_TRUE")),
            },
            other => Err(OdbcError::bad_attribute("environment attribute", other.into())),
        }
    }

    pub fn get_attr(&self, attr: i32) -> OdbcResult<u32> {
        match attr {
            SQL_ATTR_ODBC_VERSION => Ok(if self.odbc_version == 0 { 3 } else { self.odbc_version as u32 }),
            SQL_ATTR_CONNECTION_POOLING => Ok(self.connection_pooling),
            SQL_ATTR_CP_MATCH => Ok(self.cp_match),
            SQL_ATTR_OUTPUT_NTS => Ok(1),
            other => Err(OdbcError::bad_attribute("environment attribute", other.into())),
        }
    }
}
