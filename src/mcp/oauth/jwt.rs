//! Client assertions (RFC 7523 section 2.2, `private_key_jwt`): a short-lived JWT naming the
//! client as issuer and subject and the authorization server as audience, signed with the
//! client's PKCS#8 key (ES256 or RS256, with ring, which claw already uses for PKCE).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair};
use serde_json::json;

use super::{PrivateKey, now, pkce};

/// How long an assertion is valid: the token request that carries it follows at once.
const LIFETIME_SECS: u64 = 300;

/// A signed assertion that `client_id` is calling `audience`; Err: why the key cannot sign.
pub fn client_assertion(
    key: &PrivateKey,
    client_id: &str,
    audience: &str,
) -> Result<String, String> {
    let der = pem_body(&key.pem)?;
    let issued = now();
    let header = json!({"alg": key.algorithm, "typ": "JWT"});
    let claims = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": issued,
        "exp": issued + LIFETIME_SECS,
        "jti": pkce::random_token(),
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let rng = SystemRandom::new();
    let signature = match key.algorithm.as_str() {
        "ES256" => {
            let pair =
                EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
                    .map_err(|e| format!("the private key is not a P-256 PKCS#8 key: {e}"))?;
            pair.sign(&rng, signing_input.as_bytes())
                .map_err(|_| "signing the assertion failed".to_string())?
                .as_ref()
                .to_vec()
        }
        "RS256" => {
            let pair = RsaKeyPair::from_pkcs8(&der)
                .map_err(|e| format!("the private key is not an RSA PKCS#8 key: {e}"))?;
            let mut out = vec![0; pair.public().modulus_len()];
            pair.sign(
                &signature::RSA_PKCS1_SHA256,
                &rng,
                signing_input.as_bytes(),
                &mut out,
            )
            .map_err(|_| "signing the assertion failed".to_string())?;
            out
        }
        other => return Err(format!("claw cannot sign with {other}")),
    };
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

/// The DER bytes of a PEM `PRIVATE KEY` block.
fn pem_body(pem: &str) -> Result<Vec<u8>, String> {
    if pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY") {
        return Err(
            "the private key is not in PKCS#8 form (convert it with `openssl pkcs8 -topk8 -nocrypt`)"
                .into(),
        );
    }
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .collect();
    STANDARD
        .decode(body)
        .map_err(|_| "the private key is not valid PEM".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::KeyPair;

    fn p256_key() -> (PrivateKey, Vec<u8>) {
        let rng = SystemRandom::new();
        let der = EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(
            &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            der.as_ref(),
            &rng,
        )
        .unwrap();
        let pem = format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            STANDARD.encode(der.as_ref())
        );
        let key = PrivateKey {
            pem,
            algorithm: "ES256".into(),
        };
        (key, pair.public_key().as_ref().to_vec())
    }

    #[test]
    fn an_es256_assertion_verifies_with_the_public_key_and_names_the_client() {
        let (key, public) = p256_key();
        let jwt = client_assertion(&key, "svc", "http://127.0.0.1:9/").unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let signed = format!("{}.{}", parts[0], parts[1]);
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, public)
            .verify(signed.as_bytes(), &sig)
            .expect("the signature verifies");
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["iss"], "svc");
        assert_eq!(claims["sub"], "svc");
        assert_eq!(claims["aud"], "http://127.0.0.1:9/");
        assert!(claims["exp"].as_u64() > claims["iat"].as_u64());
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        assert_eq!(header["alg"], "ES256");
    }

    #[test]
    fn a_key_claw_cannot_use_says_why() {
        let (mut key, _) = p256_key();
        key.algorithm = "RS256".into();
        assert!(
            client_assertion(&key, "c", "a")
                .unwrap_err()
                .contains("not an RSA")
        );
        key.pem = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----".into();
        assert!(
            client_assertion(&key, "c", "a")
                .unwrap_err()
                .contains("PKCS#8")
        );
        key.pem = "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----".into();
        assert!(
            client_assertion(&key, "c", "a")
                .unwrap_err()
                .contains("PEM")
        );
    }
}
