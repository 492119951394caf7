//! The status tables' targets: codes and names of every table, back and
//! forth.

use crate::LicenseStatus;
use crate::decoder::Transport;

/// Every numeric table type, from arbitrary codes, and back, losslessly,
/// through the code, the Display text and the names.
pub fn status_codes(data: &[u8]) {
    use alloc::string::ToString;
    use core::str::FromStr;

    use crate::status::{ClientStatus, DcpStatus, NameError, StoredLicenseAction};

    /// Code → type → code, and the text forms parse back to the code.
    macro_rules! numeric {
        ($Type:ty, $code:expr, $code_text:expr) => {{
            let (code, code_text): (u32, &str) = ($code, $code_text);
            let status = <$Type>::from(code);
            assert_eq!(u32::from(status), code);
            assert_eq!(<$Type>::from_str(code_text), Ok(status));
            assert!(status.to_string().starts_with(code_text));
            assert_eq!(status.is_known(), status.name().is_some());
            if let Some(const_name) = status.const_name() {
                assert_eq!(<$Type>::from_str(const_name), Ok(status));
            }
            if let Some(name) = status.name() {
                match <$Type>::from_str(name) {
                    Ok(parsed) => assert_eq!(parsed, status),
                    Err(NameError::Ambiguous { codes, .. }) => assert!(codes.contains(&code)),
                    Err(other) => panic!("{name} does not parse back: {other}"),
                }
            }
            status
        }};
    }

    // The first 4-byte windows are codes of each numeric table (a few are
    // enough to reach every branch; more only slow the fuzzer down).
    for window in data.chunks_exact(4).take(4) {
        let code = u32::from_be_bytes([window[0], window[1], window[2], window[3]]);
        let code_text = code.to_string();
        let license = numeric!(LicenseStatus, code, &code_text);
        let client = numeric!(ClientStatus, code, &code_text);
        numeric!(DcpStatus, code, &code_text);
        let action = StoredLicenseAction::for_code(code);
        assert_eq!(license.stored_license_action(), action);
        assert_eq!(client.stored_license_action(), action);
        assert_eq!(license.is_third_party(), (512..=999).contains(&code));
        assert_eq!(
            LicenseStatus::third_party(code).is_ok(),
            license.is_third_party()
        );
    }
}

/// Names and texts of every table: a name parses to a status whose code
/// parses back to it, package statuses are kept verbatim, FTP reply lines
/// print back and classify consistently.
pub fn status_names(data: &[u8]) {
    use alloc::string::ToString;
    use core::str::FromStr;

    use crate::status::{
        ClientStatus, DcpStatus, FtpError, GuiStatus, IdStatus, PackageGuiStatus, PackageStatus,
        ReplyCode, ReplyLine,
    };

    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    // A Content-Transfer-Encoding value names a transport, or none.
    let named = Transport::from_content_transfer_encoding(text);
    let value = text.trim();
    assert_eq!(
        named == Some(Transport::Base64),
        value.eq_ignore_ascii_case("base64")
    );
    if named == Some(Transport::Raw) {
        assert!(
            ["binary", "8bit", "7bit"]
                .iter()
                .any(|raw| value.eq_ignore_ascii_case(raw))
        );
    }
    // Names parse to a status whose code parses back to it; never a panic.
    if let Ok(status) = LicenseStatus::from_str(text) {
        assert_eq!(
            LicenseStatus::from_str(&status.code().to_string()),
            Ok(status)
        );
    }
    if let Ok(status) = ClientStatus::from_str(text) {
        assert_eq!(
            ClientStatus::from_str(&status.code().to_string()),
            Ok(status)
        );
    }
    if let Ok(status) = DcpStatus::from_str(text) {
        assert_eq!(DcpStatus::from_str(&status.code().to_string()), Ok(status));
    }
    // Package statuses: whatever the server said is kept verbatim.
    let id = PackageStatus::parse(text);
    assert_eq!(id.as_str(), text);
    assert_eq!(id.to_string(), text);
    assert_eq!(id.recognized(), IdStatus::from_str(text).ok());
    if let Some(known) = id.recognized() {
        assert_eq!(known.as_str(), text);
        assert_eq!(id.gui_status(), known.gui_status());
        if let Some(gui) = known.gui_status() {
            assert!(gui.id_statuses().contains(&known));
        }
    }
    let gui = PackageGuiStatus::parse(text);
    assert_eq!(gui.as_str(), text);
    assert_eq!(gui.to_string(), text);
    assert_eq!(gui.recognized(), GuiStatus::from_str(text).ok());
    // FTP: the code column, the description, and reply lines.
    if let Ok(code) = ReplyCode::from_str(text) {
        assert_eq!(code.to_string(), text);
    }
    if let Ok(error) = FtpError::from_str(text) {
        assert_eq!(error.to_string(), text);
    }
    let _ = FtpError::from_reply(None, text);
    if let Ok(line) = ReplyLine::parse(text) {
        let without_ending = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(text);
        assert_eq!(line.to_string(), without_ending);
        assert_eq!(
            line.ftp_error(),
            FtpError::from_reply(Some(line.code()), line.text())
        );
        assert_eq!(line.is_transient(), (400..500).contains(&line.code()));
        assert_eq!(line.is_permanent(), (500..600).contains(&line.code()));
    }
}
