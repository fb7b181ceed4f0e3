//! TLS for the platform (issue 13): a private CA and a server certificate for a pilot
//! (`smartstore-hub cert init`), and the server configuration of `serve --tls-cert --tls-key`.
//!
//! Terminals pin the CA by the hex SHA-256 of its DER ("fingerprint"): carried in enrolment
//! tokens, or typed with `enroll --fingerprint`. The server sends the CA after its own
//! certificate, so a terminal that knows only the fingerprint can find the CA in the chain.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

pub const CA_CERT: &str = "ca.pem";
pub const CA_KEY: &str = "ca.key";
pub const SERVER_CERT: &str = "server.pem";
pub const SERVER_KEY: &str = "server.key";

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path} exists already; nothing was overwritten (use another --dir)")]
    Exists { path: PathBuf },
    #[error("{path}: {detail}")]
    Io { path: PathBuf, detail: String },
    #[error("cannot make the certificates: {0}")]
    Generate(String),
    #[error("{path} holds no PEM certificate")]
    NoCertificate { path: PathBuf },
    #[error("{path} holds no PEM private key: {detail}")]
    NoKey { path: PathBuf, detail: String },
    #[error("the certificate and key do not make a TLS server: {0}")]
    Config(String),
}

/// What `cert init` made.
#[derive(Debug, Clone)]
pub struct Initialised {
    /// Hex SHA-256 of the CA certificate's DER: what terminals pin.
    pub fingerprint: String,
    pub files: Vec<PathBuf>,
}

/// Hex SHA-256 of a certificate's DER.
pub fn fingerprint(der: &[u8]) -> String {
    smartstore_protocol::keys::sha256_hex(der)
}

fn generate(e: rcgen::Error) -> TlsError {
    TlsError::Generate(e.to_string())
}

/// Makes a CA (10 years) and a server certificate for `hosts` (2 years; names or IP addresses)
/// in `dir`: `ca.pem`, `ca.key`, `server.pem` (the server's certificate, then the CA's),
/// `server.key`. Keys are readable by their owner only. Refuses to overwrite any file.
pub fn init(dir: &Path, hosts: &[String]) -> Result<Initialised, TlsError> {
    let files: Vec<PathBuf> = [CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    if let Some(path) = files.iter().find(|p| p.exists()) {
        return Err(TlsError::Exists { path: path.clone() });
    }
    if hosts.is_empty() {
        return Err(TlsError::Generate("give at least one --host".into()));
    }
    let now = time::OffsetDateTime::now_utc();
    let ca_key = KeyPair::generate().map_err(generate)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(generate)?;
    ca.distinguished_name
        .push(DnType::CommonName, "smartstore platform root");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.not_before = now - time::Duration::hours(1);
    ca.not_after = now + time::Duration::days(3650);
    let ca_cert = ca.self_signed(&ca_key).map_err(generate)?;
    let issuer = Issuer::new(ca, &ca_key);

    let server_key = KeyPair::generate().map_err(generate)?;
    let mut server = CertificateParams::new(hosts.to_vec()).map_err(generate)?;
    server
        .distinguished_name
        .push(DnType::CommonName, hosts[0].as_str());
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    server.not_before = now - time::Duration::hours(1);
    server.not_after = now + time::Duration::days(730);
    let server_cert = server.signed_by(&server_key, &issuer).map_err(generate)?;

    std::fs::create_dir_all(dir).map_err(|e| TlsError::Io {
        path: dir.to_owned(),
        detail: e.to_string(),
    })?;
    write_new(&files[0], ca_cert.pem().as_bytes(), false)?;
    write_new(&files[1], ca_key.serialize_pem().as_bytes(), true)?;
    write_new(
        &files[2],
        format!("{}{}", server_cert.pem(), ca_cert.pem()).as_bytes(),
        false,
    )?;
    write_new(&files[3], server_key.serialize_pem().as_bytes(), true)?;
    Ok(Initialised {
        fingerprint: fingerprint(ca_cert.der()),
        files,
    })
}

/// Writes a new file (never an existing one); `private` makes it readable by its owner only.
fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), TlsError> {
    let io = |e: std::io::Error| TlsError::Io {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, if private { 0o600 } else { 0o644 });
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(io)
}

/// The certificates of a PEM file, in order.
pub fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| TlsError::Io {
            path: path.to_owned(),
            detail: e.to_string(),
        })?
        .collect::<Result<_, _>>()
        .map_err(|_| TlsError::NoCertificate {
            path: path.to_owned(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// A root's private key (PEM, PKCS#8) as DER, for signing the key document.
pub fn read_root_key(path: &Path) -> Result<Vec<u8>, TlsError> {
    match PrivateKeyDer::from_pem_file(path) {
        Ok(PrivateKeyDer::Pkcs8(k)) => Ok(k.secret_pkcs8_der().to_vec()),
        Ok(_) => Err(TlsError::NoKey {
            path: path.to_owned(),
            detail: "not a PKCS#8 key".into(),
        }),
        Err(e) => Err(TlsError::NoKey {
            path: path.to_owned(),
            detail: e.to_string(),
        }),
    }
}

/// The TLS server configuration for a certificate chain and its key (PEM files).
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let certs = read_certificates(cert)?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::NoKey {
        path: key.to_owned(),
        detail: e.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_a_chain_a_server_accepts_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("tempdir");
        let made = init(dir.path(), &["127.0.0.1".into(), "hub.example".into()]).expect("init");
        assert_eq!(made.fingerprint.len(), 64);
        let ca = read_certificates(&dir.path().join(CA_CERT)).expect("ca");
        assert_eq!(fingerprint(&ca[0]), made.fingerprint);
        let chain = read_certificates(&dir.path().join(SERVER_CERT)).expect("chain");
        assert_eq!(chain.len(), 2);
        assert_eq!(chain[1], ca[0], "the CA follows the server's certificate");
        server_config(&dir.path().join(SERVER_CERT), &dir.path().join(SERVER_KEY))
            .expect("a server config");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for key in [CA_KEY, SERVER_KEY] {
                let mode = std::fs::metadata(dir.path().join(key))
                    .expect("key")
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{key}");
            }
        }
        let before = std::fs::read(dir.path().join(CA_KEY)).expect("read");
        assert!(matches!(
            init(dir.path(), &["127.0.0.1".into()]),
            Err(TlsError::Exists { .. })
        ));
        assert_eq!(
            std::fs::read(dir.path().join(CA_KEY)).expect("read"),
            before
        );
    }
}
