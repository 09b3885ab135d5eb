//! Pseudonyms for the evaluator: stable per contract, keyed, not reversible without the key.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::ids::{ContractId, PersonKey};

/// The secret behind pseudonyms. Kept out of `Debug` output.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a pseudonym key needs at least 32 bytes")]
pub struct WeakPseudonymKey;

impl PseudonymKey {
    pub fn new(bytes: Vec<u8>) -> Result<Self, WeakPseudonymKey> {
        if bytes.len() < 32 {
            return Err(WeakPseudonymKey);
        }
        Ok(Self(bytes))
    }

    /// HMAC-SHA256 over the contract and the person's internal key (never the national id, so
    /// the pseudonym survives a change from D-nummer to fødselsnummer), 96 bits, URL-safe.
    pub fn pseudonym(&self, contract: ContractId, person: PersonKey) -> String {
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.0) {
            Ok(mac) => mac,
            // HMAC accepts keys of any length; this arm cannot be reached.
            Err(_) => return String::new(),
        };
        mac.update(
            format!(
                "effekt-pseudonym/v1/contract/{}/person/{}",
                contract.0, person.0
            )
            .as_bytes(),
        );
        let digest = mac.finalize().into_bytes();
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..12]);
        format!("P-{encoded}")
    }
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(<secret>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_per_contract_and_keyed() {
        let k1 = PseudonymKey::new(vec![7; 32]).unwrap();
        let k2 = PseudonymKey::new(vec![8; 32]).unwrap();
        let p = k1.pseudonym(ContractId(1), PersonKey(42));
        assert_eq!(p, k1.pseudonym(ContractId(1), PersonKey(42)));
        assert_ne!(p, k1.pseudonym(ContractId(2), PersonKey(42)));
        assert_ne!(p, k2.pseudonym(ContractId(1), PersonKey(42)));
        assert_ne!(p, k1.pseudonym(ContractId(1), PersonKey(43)));
        assert_eq!(p.len(), 18);
        assert!(!p.contains("42"));
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(PseudonymKey::new(vec![1; 31]).is_err());
    }
}
