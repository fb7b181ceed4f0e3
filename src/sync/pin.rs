//! The platform's root, pinned (issue 13). At enrolment the terminal knows only the hex SHA-256
//! of the platform's CA certificate (from the enrolment token, or typed by the technician): it
//! accepts a server whose chain holds a certificate with that fingerprint and verifies the rest
//! of the chain against it, then keeps that CA. Afterwards only certificates that chain to the
//! kept CA are accepted. Plain HTTP is refused except to this machine (loopback).

use std::sync::{Arc, Mutex};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// What the terminal trusts the platform by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trust {
    /// Nothing pinned: plain HTTP to loopback only.
    None,
    /// The CA's fingerprint (hex SHA-256 of its DER), at enrolment.
    Fingerprint(String),
    /// The CA certificate kept at enrolment (DER).
    Ca(Vec<u8>),
}

/// Hex SHA-256 of a certificate's DER.
pub fn fingerprint(der: &[u8]) -> String {
    smartstore_protocol::keys::sha256_hex(der)
}

/// A fingerprint as typed: 64 hex digits, colons and spaces allowed, any case.
pub fn normalise_fingerprint(text: &str) -> Option<String> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' '))
        .collect::<String>()
        .to_ascii_lowercase();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The TLS client configuration for `trust`, and where the CA found by a fingerprint is kept.
pub(crate) fn client_config(
    trust: &Trust,
    learned: Arc<Mutex<Option<Vec<u8>>>>,
) -> Result<Option<rustls::ClientConfig>, rustls::Error> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?;
    Ok(Some(match trust {
        Trust::None => return Ok(None),
        Trust::Ca(der) => {
            let mut roots = RootCertStore::empty();
            roots.add(CertificateDer::from(der.clone()))?;
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Trust::Fingerprint(fp) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(FingerprintVerifier {
                fingerprint: fp.clone(),
                provider: provider(),
                learned,
            }))
            .with_no_client_auth(),
    }))
}

/// Accepts a chain that holds the pinned CA and verifies to it (names and dates included).
#[derive(Debug)]
struct FingerprintVerifier {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
    learned: Arc<Mutex<Option<Vec<u8>>>>,
}

impl ServerCertVerifier for FingerprintVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let ca = intermediates
            .iter()
            .find(|c| fingerprint(c) == self.fingerprint)
            .ok_or(rustls::Error::InvalidCertificate(
                CertificateError::UnknownIssuer,
            ))?;
        let mut roots = RootCertStore::empty();
        roots
            .add(ca.clone().into_owned())
            .map_err(|_| rustls::Error::InvalidCertificate(CertificateError::BadEncoding))?;
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), self.provider.clone())
                .build()
                .map_err(|e| rustls::Error::General(e.to_string()))?;
        let verified = verifier.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        if let Ok(mut learned) = self.learned.lock() {
            *learned = Some(ca.to_vec());
        }
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Whether `host` (of a URL) is this machine.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether an HTTPS request was answered in plain text (a downgrade): the first bytes back were
/// not a TLS record.
pub(crate) fn is_plain_answer(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        let rustls_error = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|i| i.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidMessage(_)) = rustls_error {
            return true;
        }
        if err.to_string().contains("corrupt message") {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Whether an HTTP error is TLS refusing the platform's certificate.
pub(crate) fn is_certificate_refusal(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(rustls::Error::InvalidCertificate(_)) = err.downcast_ref::<rustls::Error>() {
            return true;
        }
        if let Some(inner) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|i| i.downcast_ref::<rustls::Error>())
            && matches!(inner, rustls::Error::InvalidCertificate(_))
        {
            return true;
        }
        // Some layers keep only the text of the TLS error.
        if err.to_string().contains("invalid peer certificate") {
            return true;
        }
        cur = err.source();
    }
    false
}

/// Why a key document is refused.
#[derive(Debug, thiserror::Error)]
pub enum DocumentRefusal {
    #[error(transparent)]
    Malformed(#[from] smartstore_protocol::keydoc::DocumentError),
    #[error("the signature is not 64 bytes")]
    SignatureLength,
    #[error("the pinned certificate cannot be read: {0}")]
    Root(webpki::Error),
    #[error("it is not signed by the pinned root")]
    NotSignedByRoot,
}

/// The key document's signature checked against the pinned CA's public key. Returns the
/// document, or why it is refused.
pub fn verify_document(
    ca_der: &[u8],
    jws: &str,
) -> Result<smartstore_protocol::keydoc::KeyDocument, DocumentRefusal> {
    use smartstore_protocol::keydoc;
    let unverified = keydoc::open(jws)?;
    let signature =
        keydoc::der_signature(&unverified.signature).ok_or(DocumentRefusal::SignatureLength)?;
    let ca = CertificateDer::from(ca_der.to_vec());
    let cert = webpki::EndEntityCert::try_from(&ca).map_err(DocumentRefusal::Root)?;
    cert.verify_signature(
        webpki::ring::ECDSA_P256_SHA256,
        unverified.signing_input.as_bytes(),
        &signature,
    )
    .map_err(|_| DocumentRefusal::NotSignedByRoot)?;
    Ok(unverified.document)
}
