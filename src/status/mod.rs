//! Status and error code tables of the Cypher components ("Status and Error
//! Codes" 1.3).
//!
//! Every code type is lossless: any value converts in and back out unchanged,
//! known or not, like `http::StatusCode`.

pub mod ftp;
pub mod license;
pub mod package;

pub use ftp::{FtpError, ReplyCode, ReplyLine};
pub use license::LicenseStatus;
pub use package::{GuiStatus, IdStatus, PackageGuiStatus, PackageStatus, Stage};
